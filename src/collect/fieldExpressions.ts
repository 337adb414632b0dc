/**
 * SQL for reading one canonical field out of a department's raw text columns: the value, the
 * reason it cannot be read (NULL when it can), and for identifiers the value as sent.
 * Everything runs inside DuckDB, vectorised; literals are quoted with DuckDB's own quoting.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { FieldReader } from '../connectors/manifest.js';
import { keepsOriginal, sqlType } from '../schemas/canonicalSchemas.js';
import { derivationProblemSql, derivedTextSql, derives, sourceTextSql, type ColumnSql } from './derivationSql.js';

export type { ColumnSql } from './derivationSql.js';

export interface FieldSql {
  /** The source text before a derivation that can fail, kept as `s_<field>` (level 1); null when the field has none. */
  source: string | null;
  /** Trimmed (and derived) text, NULL when empty (level 1; may read level 1's `s_<field>`). */
  text: string;
  /** Why the derivation failed, over level 1's `s_`/`t_` columns; null when it cannot fail. */
  derivationError: string | null;
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

export function sourceColumn(reader: FieldReader): string {
  return `s_${reader.field.name}`;
}

export function textColumn(reader: FieldReader): string {
  return `t_${reader.field.name}`;
}

export function valueColumn(reader: FieldReader): string {
  return `v_${reader.field.name}`;
}

/** Level 1: the field's source text, honouring `when`. */
function sourceSql(reader: FieldReader, column: ColumnSql, file: string): string {
  if (reader.value !== undefined) return str(reader.value);
  const text = sourceTextSql(reader.derivation, reader.column, column, file);
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

/** What the text should have been, in the steward's words: `is not a date in YYYYMMDD`. */
function expectation(reader: FieldReader): string | undefined {
  const layouts = reader.layouts.length > 0 ? reader.layouts.join(' or ') : undefined;
  switch (reader.parse) {
    case 'date': return `is not a date${layouts ? ` in ${layouts}` : ''}`;
    case 'month': return `is not a month${layouts ? ` in ${layouts}` : ''}`;
    case 'amount': return 'is not an amount';
    case 'integer': return 'is not a whole number';
    case 'code': {
      // The department's own labels; the canonical codes (accepted as they are) only when it has none.
      const entries = Object.entries(reader.codes ?? {});
      const own = entries.filter(([label, code]) => label !== code).map(([label]) => label);
      const labels = own.length > 0 ? own : entries.map(([label]) => label);
      return `is not one of the labels ${labels.slice(0, 8).join(', ')}${labels.length > 8 ? ', …' : ''}`;
    }
    default: return undefined;
  }
}

/** Where the field's text comes from, for a reason: its column, or the columns of its template. */
function origin(reader: FieldReader): string {
  if (reader.column) return reader.column;
  if (reader.derivation.template) return reader.derivation.template.text;
  return reader.columns.join(', ') || 'derived';
}

/** SQL pieces for one field; `column` maps a department column to raw-table SQL; `file` names the source. */
export function fieldSql(reader: FieldReader, column: ColumnSql, file = ''): FieldSql {
  const s = ident(sourceColumn(reader));
  const t = ident(textColumn(reader));
  const v = ident(valueColumn(reader));
  const expected = reader.value === undefined ? expectation(reader) : undefined;
  const from = origin(reader);
  const deriving = reader.value === undefined && derives(reader.derivation);
  return {
    source: deriving ? sourceSql(reader, column, file) : null,
    text: deriving ? derivedTextSql(reader.derivation, s) : sourceSql(reader, column, file),
    derivationError: deriving ? `CASE WHEN ${s} IS NOT NULL AND ${t} IS NULL THEN ${derivationProblemSql(reader.derivation, reader.field.name, from, s)} END` : null,
    value: valueSql(reader, t),
    error: expected
      ? `CASE WHEN ${t} IS NOT NULL AND ${v} IS NULL THEN ${str(`${reader.field.name}: `)} || '"' || ${t} || '"' || ${str(` (${from}) ${expected}`)} END`
      : null,
    keepOriginal: keepsOriginal(reader.field) && reader.value === undefined,
  };
}
