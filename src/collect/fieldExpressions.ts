/**
 * SQL for reading one canonical field out of a department's raw text columns: the value, the
 * reason it cannot be read (NULL when it can), and for identifiers the value as sent.
 * Everything runs inside DuckDB, vectorised; literals are quoted with DuckDB's own quoting.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { FieldReader } from '../connectors/manifest.js';
import { keepsOriginal, sqlType } from '../schemas/canonicalSchemas.js';

/** The raw text of a department column, as a SQL expression over the raw table. */
export type ColumnSql = (column: string) => string;

export interface FieldSql {
  /** Trimmed text as sent, NULL when empty (level 1). */
  text: string;
  /** The parsed value over level 1's `t_<field>` (level 2). */
  value: string;
  /** Why the text could not be read, over level 2's `t_`/`v_` columns; null when it always can. */
  error: string | null;
  /** Whether the value as sent is kept in `<field>_original`. */
  keepOriginal: boolean;
}

const stringList = (items: string[]): string => `[${items.map(str).join(', ')}]`;

function caseOf(expr: string, mapping: Record<string, string>, cast: string): string {
  const branches = Object.entries(mapping).map(([label, code]) => `WHEN ${str(label)} THEN ${str(code)}`).join(' ');
  return `CAST(CASE ${expr} ${branches} END AS ${cast})`;
}

export function textColumn(reader: FieldReader): string {
  return `t_${reader.field.name}`;
}

export function valueColumn(reader: FieldReader): string {
  return `v_${reader.field.name}`;
}

/** Level 1: the field's trimmed text, honouring `when`. */
function textSql(reader: FieldReader, column: ColumnSql): string {
  if (reader.value !== undefined) return str(reader.value);
  const text = `NULLIF(trim(${column(reader.column!)}), '')`;
  if (!reader.when) return text;
  return `CASE WHEN trim(${column(reader.when.column)}) IN (${reader.when.equals.map(str).join(', ')}) THEN ${text} END`;
}

/** Level 2: the parsed value from `t`. */
function valueSql(reader: FieldReader, t: string): string {
  const type = sqlType(reader.field);
  switch (reader.parse) {
    case 'resident_id': return `dx_normalise_resident_id(${t})`;
    case 'uscc': return `dx_clean_identifier(${t})`;
    case 'date': return `CAST(try_strptime(${t}, ${stringList(reader.formats)}) AS DATE)`;
    case 'month': return `strftime(try_strptime(${t}, ${stringList(reader.formats)}), '%Y-%m')`;
    case 'amount': return `TRY_CAST(replace(replace(replace(${t}, ',', ''), '¥', ''), '元', '') AS ${type})`;
    case 'integer': return `TRY_CAST(${t} AS ${type})`;
    case 'code': return caseOf(t, reader.codes!, type);
    case 'text':
      return reader.field.format === 'cn-disability-certificate' ? `dx_clean_identifier(${t})` : t;
  }
}

const PROBLEM: Partial<Record<FieldReader['parse'], string>> = {
  date: 'unparseable date',
  month: 'unparseable month',
  amount: 'unparseable amount',
  integer: 'unparseable number',
  code: 'unknown label',
};

/** SQL pieces for one field; `column` maps a department column to raw-table SQL. */
export function fieldSql(reader: FieldReader, column: ColumnSql): FieldSql {
  const t = ident(textColumn(reader));
  const v = ident(valueColumn(reader));
  const problem = reader.value === undefined ? PROBLEM[reader.parse] : undefined;
  const where = reader.column ? `${reader.field.name} (${reader.column})` : reader.field.name;
  return {
    text: textSql(reader, column),
    value: valueSql(reader, t),
    error: problem
      ? `CASE WHEN ${t} IS NOT NULL AND ${v} IS NULL THEN ${str(`${where}: ${problem} `)} || '"' || ${t} || '"' END`
      : null,
    keepOriginal: keepsOriginal(reader.field) && reader.value === undefined,
  };
}
