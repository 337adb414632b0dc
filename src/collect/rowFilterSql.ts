/** A manifest's row filter as a DuckDB predicate over the raw columns: true for rows it leaves out. */
import { quotedString as str } from '@duckdb/node-api';
import type { ResolvedCondition, RowFilter } from '../connectors/rowFilter.js';
import type { ColumnSql } from './derivationSql.js';

function conditionSql(condition: ResolvedCondition, column: ColumnSql): string {
  const text = `trim(${column(condition.column)})`;
  const test = condition.equals ? `${text} IN (${condition.equals.map(str).join(', ')})` : `regexp_matches(${text}, ${str(condition.matches!)})`;
  return `coalesce(${test}, false)`;
}

/** SQL true when the row is filtered out; never NULL. A row that cannot be read at all is never filtered (it is quarantined). */
export function filterSql(filter: RowFilter | undefined, column: ColumnSql): string {
  if (!filter || (filter.include.length === 0 && filter.exclude.length === 0)) return 'false';
  const keep = [
    ...filter.include.map((c) => conditionSql(c, column)),
    ...filter.exclude.map((c) => `NOT ${conditionSql(c, column)}`),
  ].join(' AND ');
  return `(__row_problem IS NULL AND NOT (${keep}))`;
}
