/**
 * Scoring: every candidate pair from the blocking rules gets its levels (gammas), its match
 * weight (log2 of the prior odds plus each level's log2 m/u, term-frequency adjusted) and its
 * match probability, in one DuckDB pass. The trained numbers go into the SQL as constants.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { gammaSql, type ModelComparison } from './comparisonLevels.js';
import { pairScopeSql, ruleConditionSql, rulePairsWhereSql, type LinkMode } from './blockingRules.js';
import type { BlockingRule } from './linkageConfig.js';
import type { LinkageModel } from './linkageModel.js';
import { numberLiteral, quoteIdentifier } from './sqlText.js';
import { termFrequencyTable } from './termFrequencies.js';

const log2 = (x: number) => Math.log(x) / Math.LN2;

/** Candidate pairs with their gammas, and the values the term-frequency adjustments look up. */
async function candidatePairs(connection: DuckDBConnection, comparisons: ModelComparison[], rules: BlockingRule[], mode: LinkMode): Promise<void> {
  const columns = [
    'l.__row AS left_row', 'r.__row AS right_row',
    ...comparisons.map((c, k) => `${gammaSql(c)} AS g${k}`),
    ...comparisons.flatMap((c, k) => (c.termFrequencyColumn ? [`l.${quoteIdentifier(c.termFrequencyColumn)} AS tf_value${k}`] : [])),
  ].join(', ');
  const selects = rules.map((rule, i) => `SELECT ${columns} FROM records l JOIN records r ON ${ruleConditionSql(rule)} WHERE ${pairScopeSql(mode)} AND ${rulePairsWhereSql(rules, i)}`);
  await connection.run(`CREATE OR REPLACE TABLE candidate_pairs AS ${selects.join(' UNION ALL ')}`);
}

function weightSql(model: LinkageModel, comparisons: ModelComparison[]): string {
  const terms = [numberLiteral(log2(model.lambda / (1 - model.lambda)))];
  for (const [k, c] of comparisons.entries()) {
    const cases = model.m[k]!.map((m, g) => `WHEN ${g} THEN ${numberLiteral(log2(m / model.u[k]![g]!))}`).join(' ');
    terms.push(`CASE g${k} ${cases} ELSE 0 END`);
    if (c.termFrequencyColumn) {
      const top = c.levels.length;
      // At the exact level the value's own frequency stands in for the average u.
      terms.push(`CASE WHEN g${k} = ${top} AND tf${k}.tf IS NOT NULL THEN log2(${numberLiteral(model.u[k]![top]!)} / tf${k}.tf) ELSE 0 END`);
    }
  }
  return terms.join(' + ');
}

/** Score every candidate pair into `scored_pairs` (left_row, right_row, g0.., match_weight, match_probability). */
export async function scorePairs(connection: DuckDBConnection, model: LinkageModel, comparisons: ModelComparison[], rules: BlockingRule[], mode: LinkMode): Promise<number> {
  await candidatePairs(connection, comparisons, rules, mode);
  const joins = comparisons.flatMap((c, k) => (c.termFrequencyColumn ? [`LEFT JOIN ${termFrequencyTable(k)} tf${k} ON tf${k}.value = p.tf_value${k}`] : [])).join(' ');
  const gammas = comparisons.map((_, k) => `g${k}`).join(", ");
  await connection.run(`CREATE OR REPLACE TABLE scored_pairs AS
    SELECT left_row, right_row, ${gammas}, match_weight, 1 / (1 + pow(2, -match_weight)) AS match_probability
    FROM (SELECT p.*, ${weightSql(model, comparisons)} AS match_weight FROM candidate_pairs p ${joins})`);
  await connection.run('DROP TABLE candidate_pairs');
  return Number((await connection.runAndReadAll('SELECT count(*) FROM scored_pairs')).getRows()[0]![0]);
}
