/** Cross-check accuracy on the second layout family, by its manifests alone (dx fixtures --layout variant). */
import { VARIANT_CONNECTORS_DIR } from '../../src/cli/commands/fixtures.js';
import { crossCheckAccuracy } from './accuracyOnLayout.js';

crossCheckAccuracy('variant', VARIANT_CONNECTORS_DIR);
