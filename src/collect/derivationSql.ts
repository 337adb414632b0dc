/**
 * A field's derivation (src/connectors/fieldDerivation.ts) compiled to DuckDB SQL: the source
 * text (a column, a template over several, a surrogate key), null tokens, cleaning, then the
 * slice / capture / lookup. Everything stays one vectorised expression per field, so collect
 * keeps DuckDB's speed; literals are quoted with DuckDB's own quoting.
 */
import { quotedString as str } from '@duckdb/node-api';
import { describeSteps, type CleanStep, type Derivation } from '../connectors/fieldDerivation.js';

/** The raw text of a department column, as a SQL expression over the raw table. */
export type ColumnSql = (column: string) => string;

/** Spaces trimmed around a value: ASCII and the ideographic space (U+3000) a Chinese export pads with. */
export const trimSql = (sql: string): string => `trim(${sql}, ' \u3000')`;
const trimmed = (sql: string): string => `NULLIF(${trimSql(sql)}, '')`;

const FULL_WIDTH = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000';
const HALF_WIDTH = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + ' ';

/** SQL applying one cleaning step to the text `t`. */
export function cleanSql(step: CleanStep, t: string): string {
  switch (step) {
    case 'full-width': return `translate(${t}, ${str(FULL_WIDTH)}, ${str(HALF_WIDTH)})`;
    // RE2's \s is ASCII only: the ideographic (U+3000) and no-break (U+00A0) spaces are named.
    case 'spaces': return `regexp_replace(${t}, '[\\s\\x{3000}\\x{00A0}]+', '', 'g')`;
    case 'thousands': return `regexp_replace(${t}, '(\\d)[,，](\\d)', '\\1\\2', 'g')`;
    case 'currency': return trimSql(`regexp_replace(${t}, '[¥￥$]|元|RMB|CNY|人民币', '', 'g')`);
    case 'percent':
      return `CASE WHEN ends_with(${t}, '%') AND TRY_CAST(rtrim(${t}, '%') AS DECIMAL(24,8)) IS NOT NULL
        THEN CAST(CAST(TRY_CAST(rtrim(${t}, '%') AS DECIMAL(24,8)) / 100 AS DECIMAL(24,10)) AS VARCHAR) ELSE ${t} END`;
    case 'upper': return `upper(${t})`;
  }
}

/** The field's source text before derivation: trimmed, NULL when empty or a null token. */
export function sourceTextSql(derivation: Derivation, column: string | undefined, columnSql: ColumnSql, file: string): string {
  let text: string;
  if (derivation.surrogate === 'file-line') return `${str(`${file}:`)} || CAST(__line AS VARCHAR)`;
  if (derivation.surrogate) {
    const cells = derivation.surrogate.hash.map((c) => `coalesce(${trimSql(columnSql(c))}, '')`);
    return `substr(md5(concat_ws(chr(31), ${cells.join(', ')})), 1, 20)`;
  }
  if (derivation.template) {
    const cells = derivation.template.parts.map((p) => ('column' in p ? trimmed(columnSql(p.column)) : str(p.literal)));
    // `||` is NULL when any part is: a template over an empty column is empty, not half a value.
    text = `(${cells.join(' || ')})`;
  } else {
    text = trimmed(columnSql(column!));
  }
  if (derivation.nullTokens.length > 0) text = `CASE WHEN ${text} IN (${derivation.nullTokens.map(str).join(', ')}) THEN NULL ELSE ${text} END`;
  for (const step of derivation.clean) text = cleanSql(step, text);
  if (derivation.clean.length > 0) text = `NULLIF(${text}, '')`;
  return text;
}

/** Whether the field has a step that can fail on a row (and so needs its source text kept apart). */
export function derives(derivation: Derivation): boolean {
  return derivation.slice !== undefined || derivation.extract !== undefined || derivation.lookup !== undefined;
}

/** The derived text from the source text `s`; NULL where a step cannot derive it. */
export function derivedTextSql(derivation: Derivation, s: string): string {
  let text = s;
  if (derivation.slice) {
    const { start, length } = derivation.slice;
    const needed = start + (length ?? 1) - 1;
    text = `CASE WHEN length(${text}) >= ${needed} THEN ${length ? `substr(${text}, ${start}, ${length})` : `substr(${text}, ${start})`} END`;
  }
  if (derivation.extract) {
    text = `NULLIF(regexp_extract(${text}, ${str(derivation.extract)}, 1), '')`;
  }
  if (derivation.lookup) {
    const entries = Object.entries(derivation.lookup.map);
    text = `CASE ${text} ${entries.map(([k, v]) => `WHEN ${str(k)} THEN ${str(v)}`).join(' ')} END`;
  }
  return text;
}

/** Why `s` could not be derived, in the steward's words (SQL text; `s` is known not NULL). */
export function derivationProblemSql(derivation: Derivation, field: string, from: string, s: string): string {
  const quoted = `'"' || ${s} || '"'`;
  const steps = [derivation.slice, derivation.extract, derivation.lookup].filter(Boolean).length;
  if (steps === 1 && derivation.slice) {
    const { start, length } = derivation.slice;
    const needed = start + (length ?? 1) - 1;
    return `${str(`${field}: `)} || ${quoted} || ${str(` (${from}) has `)} || length(${s}) || ${str(` characters; slice(${start}${length ? `, ${length}` : ''}) needs ${needed}`)}`;
  }
  if (steps === 1 && derivation.extract) return `${str(`${field}: `)} || ${quoted} || ${str(` (${from}) does not match extract /${derivation.extract}/`)}`;
  if (steps === 1 && derivation.lookup) return `${str(`${field}: `)} || ${quoted} || ${str(` (${from}) is not in ${derivation.lookup.name}`)}`;
  return `${str(`${field}: `)} || ${quoted} || ${str(` (${from}) cannot be derived by ${describeSteps(derivation)}`)}`;
}
