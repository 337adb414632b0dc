/** Cross-check accuracy on the sample city's own layout (connectors/). */
import { crossCheckAccuracy } from './accuracyOnLayout.js';

crossCheckAccuracy('sample');
