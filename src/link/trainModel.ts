/**
 * Training as Splink does it: u from pairs drawn at random (almost all non-matches), m by EM
 * over each training rule's pairs with the comparisons that rule blocks on left out (the rule
 * forced them to agree), m averaged over the rules that trained it, and λ (the probability
 * that two random records match) from the matches EM found in each rule's pairs divided by the
 * share of all matches that rule can find.
 */
import { config as exchangeConfig } from '../config.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { gammaSql, type ModelComparison } from './comparisonLevels.js';
import { describeBlockingRule, pairScopeSql, ruleConditionSql, rulePairCountSql, type LinkMode } from './blockingRules.js';
import { expectationMaximisation, initialM, type GammaPattern, type LevelProbabilities } from './expectationMaximisation.js';
import type { BlockingRule, LinkageConfig } from './linkageConfig.js';
import type { LinkageModel, TrainingRuleReport } from './linkageModel.js';
import { quoteIdentifier } from './sqlText.js';

export interface TrainingContext {
  connection: DuckDBConnection;
  config: LinkageConfig;
  comparisons: ModelComparison[];
  mode: LinkMode;
  /** Records per source (one entry when deduplicating). */
  counts: number[];
}

async function gammaPatterns(connection: DuckDBConnection, comparisons: ModelComparison[], pairsSql: string): Promise<GammaPattern[]> {
  const gammas = comparisons.map((c, k) => `${gammaSql(c)} AS g${k}`).join(', ');
  const rows = (await connection.runAndReadAll(`SELECT *, count(*) AS n FROM (SELECT ${gammas} ${pairsSql}) GROUP BY ALL`)).getRows();
  return rows.map((row) => ({ gammas: row.slice(0, comparisons.length).map(Number), count: Number(row[comparisons.length]) }));
}

/** Level shares among pairs where the comparison is not missing, each level given half a pair so none is zero. */
function levelShares(patterns: GammaPattern[], comparisons: ModelComparison[]): LevelProbabilities[] {
  return comparisons.map((c, k) => {
    const counts = new Array<number>(c.levels.length + 1).fill(0.5);
    for (const p of patterns) if (p.gammas[k]! >= 0) counts[p.gammas[k]!]! += p.count;
    const total = counts.reduce((s, x) => s + x, 0);
    return counts.map((x) => x / total);
  });
}

/** Random pairs, drawn deterministically by hashing a counter with the seed. */
async function estimateU(context: TrainingContext): Promise<LevelProbabilities[]> {
  const { connection, config, comparisons, mode, counts } = context;
  const [left, right] = mode === 'dedupe' ? [{ offset: 0, n: counts[0]! }, { offset: 0, n: counts[0]! }] : [{ offset: 0, n: counts[0]! }, { offset: counts[0]!, n: counts[1]! }];
  const seed = config.training.seed;
  // The draws are made into a table first: a filter between l and r could lead the planner to join them to each other before the draws.
  await connection.run(`CREATE OR REPLACE TABLE random_pairs AS SELECT * FROM (SELECT (hash(range, ${seed}, 'left') % ${left.n})::INTEGER + ${left.offset} AS lrow, (hash(range, ${seed}, 'right') % ${right.n})::INTEGER + ${right.offset} AS rrow FROM range(${config.training.randomPairs})) WHERE lrow <> rrow`);
  const patterns = await gammaPatterns(connection, comparisons, 'FROM random_pairs d JOIN records l ON l.__row = d.lrow JOIN records r ON r.__row = d.rrow');
  await connection.run('DROP TABLE random_pairs');
  return levelShares(patterns, comparisons);
}

/**
 * Comparisons whose agreement the rule forces in its pairs: those of a column it blocks on, and
 * those that carry the same birth date another way. A GB 11643 number holds its holder's birth
 * date, so a rule on the birth date inside an ID number forces the date comparisons, and a rule
 * on a date forces the ID number comparisons (their "same area and birth date" level). Training
 * them on such a rule's pairs counts non-matches born the same day as matches: EM then learns
 * that matches often disagree on their names, and precision falls.
 */
export function blockedBy(rule: BlockingRule, comparisons: ModelComparison[]): boolean[] {
  const columns = new Set(rule.map((k) => k.column));
  const dateColumns = new Set(comparisons.filter((c) => c.kind === 'date').map((c) => c.column));
  const onIdBirthDate = rule.some((k) => k.transform === 'id_birth_date');
  const onDate = rule.some((k) => dateColumns.has(k.column) || k.transform === 'date' || k.transform === 'date_year_month');
  return comparisons.map((c) => columns.has(c.column) || (onIdBirthDate && c.kind === 'date') || (onDate && c.kind === 'resident_id'));
}

/** Share of record pairs in which the column is present on both sides. */
async function bothPresent(context: TrainingContext, column: string): Promise<number> {
  const sql = `SELECT count(${quoteIdentifier(column)}) FILTER (WHERE __source = 0)::DOUBLE / greatest(count(*) FILTER (WHERE __source = 0), 1),
    count(${quoteIdentifier(column)}) FILTER (WHERE __source = ${context.mode === 'dedupe' ? 0 : 1})::DOUBLE / greatest(count(*) FILTER (WHERE __source = ${context.mode === 'dedupe' ? 0 : 1}), 1) FROM records`;
  const [a, b] = (await context.connection.runAndReadAll(sql)).getRows()[0]!.map(Number);
  return a! * b!;
}

/** The share of true matches a rule's pairs hold: every key must agree among matches. */
async function ruleRecall(context: TrainingContext, rule: BlockingRule, m: LevelProbabilities[]): Promise<number> {
  let recall = 1;
  for (const key of rule) {
    const k = context.comparisons.findIndex((c) => c.column === key.column);
    const present = await bothPresent(context, key.column);
    // The exact level is the top one; a prefix or another coarser form agrees at least as often.
    const agree = k < 0 ? 1 : key.transform ? m[k]!.slice(1).reduce((s, x) => s + x, 0) : m[k]![m[k]!.length - 1]!;
    recall *= present * agree;
  }
  return Math.min(Math.max(recall, 1e-3), 1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function trainModel(context: TrainingContext, log: (line: string) => void = () => {}): Promise<LinkageModel> {
  const { connection, config, comparisons, mode, counts } = context;
  const totalPairs = mode === 'dedupe' ? (counts[0]! * (counts[0]! - 1)) / 2 : counts[0]! * counts[1]!;
  if (totalPairs === 0) throw new Error('there is no pair of records to compare: deduplicating needs at least two records');
  const u = await estimateU(context);
  log(`u estimated from ${config.training.randomPairs} random pairs`);
  const sums = comparisons.map((c) => new Array<number>(c.levels.length + 1).fill(0));
  const trainedTimes = comparisons.map(() => 0);
  const runs: { rule: BlockingRule; lambda: number; pairs: number }[] = [];
  const reports: TrainingRuleReport[] = [];
  for (const rule of config.training.blockingRules) {
    const pairs = Number((await connection.runAndReadAll(rulePairCountSql(rule, mode))).getRows()[0]![0]);
    if (pairs === 0) { log(`training rule ${describeBlockingRule(rule)} makes no pairs`); continue; }
    // Too many pairs: keep a share of the records, which keeps the same share squared of the pairs and of the matches in them.
    const keep = Math.min(1, Math.sqrt(config.training.maxPairsPerRule / pairs));
    const sample = keep < 1 ? ` AND hash(l.__id, ${config.training.seed}) % 1000000 < ${Math.floor(keep * 1e6)} AND hash(r.__id, ${config.training.seed}) % 1000000 < ${Math.floor(keep * 1e6)}` : '';
    const patterns = await gammaPatterns(connection, comparisons, `FROM records l JOIN records r ON ${ruleConditionSql(rule)} WHERE ${pairScopeSql(mode)}${sample}`);
    const sampled = patterns.reduce((s, p) => s + p.count, 0);
    const trained = blockedBy(rule, comparisons).map((blocked) => !blocked);
    const result = expectationMaximisation(patterns, u, { m: comparisons.map((c) => initialM(c.levels.length)), lambda: 0.1 }, trained, config.training.maxIterations);
    trained.forEach((t, k) => { if (t) { trainedTimes[k]!++; result.m[k]!.forEach((x, g) => { sums[k]![g]! += x; }); } });
    runs.push({ rule, lambda: result.lambda, pairs });
    reports.push({ rule: describeBlockingRule(rule), pairs, sampledPairs: sampled, lambda: result.lambda, iterations: result.iterations, trained: comparisons.filter((_, k) => trained[k]).map((c) => c.name) });
    log(`EM on ${describeBlockingRule(rule)}: ${sampled} pairs, λ ${result.lambda.toPrecision(3)}, ${result.iterations} iterations`);
    if (exchangeConfig().DX_LINK_DEBUG) log(JSON.stringify(result.m.map((levels, k) => trained[k] ? levels.map((x) => x.toFixed(3)) : null)));
  }
  if (!runs.length) throw new Error('no training rule makes any pair of records, so m cannot be trained: add training rules (or pass --model)');
  const untrained = comparisons.filter((_, k) => trainedTimes[k] === 0).map((c) => c.name);
  if (untrained.length) throw new Error(`no training rule leaves comparison(s) ${untrained.join(', ')} free to train: add a training rule that does not block on ${untrained.length > 1 ? 'them' : 'it'}`);
  const m = sums.map((levels, k) => levels.map((x) => x / trainedTimes[k]!));
  const estimates: number[] = [];
  for (const run of runs) estimates.push((run.lambda * run.pairs) / (await ruleRecall(context, run.rule, m)));
  const estimatedMatches = median(estimates);
  const lambda = Math.min(Math.max(estimatedMatches / totalPairs, 1e-12), 0.5);
  log(`λ ${lambda.toPrecision(3)} (${Math.round(estimatedMatches)} matches among ${totalPairs} pairs)`);
  return { lambda, m, u, training: { randomPairs: config.training.randomPairs, rules: reports, estimatedMatches } };
}
