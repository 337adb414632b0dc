/**
 * Term-frequency adjustments (Splink's): two records agreeing exactly on a common value ("王",
 * "smith") is weaker evidence than agreeing on a rare one. For the exact level, the value's own
 * frequency replaces the average u: the weight becomes log2(m / tf(value)).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ModelComparison } from './comparisonLevels.js';
import { quoteIdentifier } from './sqlText.js';

export const termFrequencyTable = (k: number) => `term_frequencies_${k}`;

/** One table per adjusted comparison: each value and its share of the non-missing values of all records. */
export async function buildTermFrequencies(connection: DuckDBConnection, comparisons: ModelComparison[]): Promise<void> {
  for (const [k, c] of comparisons.entries()) {
    if (!c.termFrequencyColumn) continue;
    const column = quoteIdentifier(c.termFrequencyColumn);
    await connection.run(`CREATE OR REPLACE TABLE ${termFrequencyTable(k)} AS
      SELECT ${column} AS value, count(*)::DOUBLE / sum(count(*)) OVER () AS tf FROM records WHERE ${column} IS NOT NULL GROUP BY ${column}`);
  }
}
