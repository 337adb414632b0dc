/**
 * Blocking: the candidate pairs are those that agree on every key of at least one rule. Each
 * rule's pairs leave out those an earlier rule already made (as Splink does), so the union has
 * no duplicates without a DISTINCT over millions of pairs.
 */
import type { BlockingKey, BlockingRule } from './linkageConfig.js';
import { derived } from './derivedColumns.js';
import { quoteIdentifier } from './sqlText.js';

export type LinkMode = 'dedupe' | 'link';

export function blockingKeySql(key: BlockingKey, alias: string): string {
  const col = `${alias}.${quoteIdentifier(key.column)}`;
  const form = (name: string) => `${alias}.${derived(key.column, name)}`;
  switch (key.transform) {
    case undefined: return col;
    case 'prefix': return `substr(${col}, 1, ${key.length ?? 1})`;
    case 'suffix': return `right(${col}, ${key.length ?? 1})`;
    case 'pinyin': return form('pinyin');
    case 'name_initials': return form('initials');
    case 'surname': return form('surname');
    case 'id_birth_date': return `substr(${form('normal')}, 7, 8)`;
    case 'date': return form('digits');
    case 'date_year_month': return `strftime(${form('date')}, '%Y%m')`;
  }
}

export function describeBlockingRule(rule: BlockingRule): string {
  return rule.map((k) => (k.transform ? `${k.transform}${k.length ? `(${k.length})` : ''} of ${k.column}` : k.column)).join(' + ');
}

/** The rule as a join condition between `l` and `r` (NULL keys never agree). */
export function ruleConditionSql(rule: BlockingRule): string {
  return rule.map((k) => `${blockingKeySql(k, 'l')} = ${blockingKeySql(k, 'r')}`).join(' AND ');
}

/** Which pairs may be compared at all: each unordered pair once, or across the two files. */
export function pairScopeSql(mode: LinkMode): string {
  return mode === 'dedupe' ? 'l.__row < r.__row' : 'l.__source = 0 AND r.__source = 1';
}

/** The rule's own pairs, without those made by the rules before it. */
export function rulePairsWhereSql(rules: BlockingRule[], index: number): string {
  const earlier = rules.slice(0, index).map((rule) => `NOT coalesce(${ruleConditionSql(rule)}, false)`);
  return earlier.length ? earlier.join(' AND ') : 'true';
}

/** How many pairs a rule makes, counted from its key groups without making them. */
export function rulePairCountSql(rule: BlockingRule, mode: LinkMode, recordFilter = 'true'): string {
  const keys = rule.map((k) => blockingKeySql(k, 'l'));
  const notNull = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
  const perGroup = mode === 'dedupe' ? 'n * (n - 1) / 2' : 'n_left * n_right';
  return `SELECT coalesce(sum(${perGroup}), 0)::DOUBLE FROM (
    SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE l.__source = 0)::DOUBLE AS n_left, count(*) FILTER (WHERE l.__source = 1)::DOUBLE AS n_right
    FROM records l WHERE ${notNull} AND ${recordFilter} GROUP BY ${keys.join(', ')})`;
}
