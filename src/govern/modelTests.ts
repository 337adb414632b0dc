/**
 * Tests beside each model (dbt's schema tests), declared in its header and run with govern:
 *
 *   -- @test not_null: id, name
 *   -- @test unique: file, line, field          (the combination)
 *   -- @test accepted_values: status in normal, deceased, moved_out
 *   -- @test relationships: spouse_id -> int_known_persons.id
 *   -- @test expression: death_date IS NULL OR deceased
 *   -- @test warn unique: uscc                   (reported, does not hold the period back)
 *
 * Each compiles to one query counting the rows that fail it. A failing test is kept in
 * model_test_results and reported like a failing check: an error-level one holds the period
 * back from publishing.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';

export type ModelTestKind = 'not_null' | 'unique' | 'accepted_values' | 'relationships' | 'expression';

export interface ModelTest {
  kind: ModelTestKind;
  /** As written after `@test`, for reports. */
  text: string;
  severity: 'error' | 'warn';
  columns: string[];
  values?: string[];
  references?: { model: string; column: string };
  expression?: string;
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

function columnsOf(origin: string, text: string, list: string): string[] {
  const columns = list.split(',').map((c) => c.trim());
  for (const c of columns) if (!COLUMN.test(c)) throw new Error(`${origin}: @test ${text}: "${c}" is not a column name`);
  return columns;
}

export function parseTest(origin: string, raw: string): ModelTest {
  const warn = /^warn\s+/.test(raw);
  const text = raw.replace(/^warn\s+/, '');
  const match = /^(\w+)\s*:\s*(.+)$/.exec(text);
  if (!match) throw new Error(`${origin}: @test ${raw}: expected "<kind>: <arguments>"`);
  const [, kind, args] = match as unknown as [string, string, string];
  const base = { text: raw, severity: warn ? 'warn' as const : 'error' as const };
  switch (kind) {
    case 'not_null':
    case 'unique':
      return { ...base, kind, columns: columnsOf(origin, raw, args) };
    case 'accepted_values': {
      const m = /^([a-z_][a-z0-9_]*)\s+in\s+(.+)$/.exec(args);
      if (!m) throw new Error(`${origin}: @test ${raw}: expected "accepted_values: <column> in <value>, <value>"`);
      return { ...base, kind, columns: [m[1]!], values: m[2]!.split(',').map((v) => v.trim()) };
    }
    case 'relationships': {
      const m = /^([a-z_][a-z0-9_]*)\s*->\s*([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(args);
      if (!m) throw new Error(`${origin}: @test ${raw}: expected "relationships: <column> -> <model>.<column>"`);
      return { ...base, kind, columns: [m[1]!], references: { model: m[2]!, column: m[3]! } };
    }
    case 'expression':
      return { ...base, kind, columns: [], expression: args };
    default:
      throw new Error(`${origin}: @test ${raw}: unknown test "${kind}" (not_null, unique, accepted_values, relationships, expression)`);
  }
}

export function parseTests(origin: string, raws: string[]): ModelTest[] {
  return raws.map((r) => parseTest(origin, r));
}

/** A query giving `failing`: the number of the model's rows that fail the test. */
export function testSql(model: string, test: ModelTest): string {
  const m = ident(model);
  const cols = test.columns.map(ident);
  switch (test.kind) {
    case 'not_null':
      return `SELECT count(*) AS failing FROM ${m} WHERE ${cols.map((c) => `${c} IS NULL`).join(' OR ')}`;
    case 'unique':
      return `SELECT coalesce(sum(n), 0) AS failing FROM (SELECT count(*) AS n FROM ${m} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ${cols.join(', ')} HAVING count(*) > 1)`;
    case 'accepted_values':
      return `SELECT count(*) AS failing FROM ${m} WHERE ${cols[0]} IS NOT NULL AND CAST(${cols[0]} AS VARCHAR) NOT IN (${test.values!.map(str).join(', ')})`;
    case 'relationships':
      return `SELECT count(*) AS failing FROM ${m} AS child WHERE child.${cols[0]} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM ${ident(test.references!.model)} AS parent WHERE parent.${ident(test.references!.column)} = child.${cols[0]})`;
    case 'expression':
      return `SELECT count(*) AS failing FROM ${m} WHERE NOT coalesce((${test.expression}), false)`;
  }
}

export interface ModelTestResult {
  model: string;
  test: string;
  severity: 'error' | 'warn';
  status: 'pass' | 'warn' | 'error';
  failing_rows: number;
}
