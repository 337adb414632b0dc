/**
 * Derived columns the comparisons and blocking keys read, added to `records` once: a Chinese
 * name's forms (computed in TypeScript once per distinct name, joined back in SQL), an ID
 * number's normal form (the project's dx_normalise_resident_id macro), a date parsed.
 * A derived column is named `<column>__<form>`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { installIdentifierMacros } from '../ids/sqlMacros.js';
import { chineseNameForms, type ChineseNameForms } from './chineseName.js';
import type { LinkageConfig } from './linkageConfig.js';
import { quoteIdentifier, quoteLiteral } from './sqlText.js';

export const NAME_FORMS = ['normalised', 'surname', 'given', 'surname_pinyin', 'given_pinyin', 'pinyin', 'initials', 'given_near_pinyin', 'joined'] as const;
export type NameForm = (typeof NAME_FORMS)[number];

export const DEFAULT_DATE_FORMATS = ['%Y%m%d', '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月%d日', '%Y.%m.%d'];

export function derived(column: string, form: string): string {
  return quoteIdentifier(`${column}__${form}`);
}

function formValues(forms: ChineseNameForms): (string | null)[] {
  return [forms.normalised, forms.surname, forms.given, forms.surnamePinyin, forms.givenPinyin, forms.pinyin, forms.initials, forms.givenNearPinyin, forms.joined];
}

async function nameFormsTable(connection: DuckDBConnection, column: string, table: string): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} (raw VARCHAR, ${NAME_FORMS.map((f) => `${f} VARCHAR`).join(', ')})`);
  const distinct = (await connection.runAndReadAll(`SELECT DISTINCT ${quoteIdentifier(column)} FROM records WHERE ${quoteIdentifier(column)} IS NOT NULL`)).getRows();
  const appender = await connection.createAppender(table);
  for (const [raw] of distinct) {
    const forms = chineseNameForms(String(raw));
    appender.appendVarchar(String(raw));
    for (const value of forms ? formValues(forms) : NAME_FORMS.map(() => null)) {
      if (value === null || value === '') appender.appendNull();
      else appender.appendVarchar(value);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** Which columns need which derived forms, from the comparisons and blocking keys. */
export function derivedNeeds(config: LinkageConfig): { names: Set<string>; ids: Set<string>; dates: Map<string, string[]> } {
  const names = new Set<string>();
  const ids = new Set<string>();
  const dates = new Map<string, string[]>();
  for (const c of config.comparisons) {
    if (c.kind === 'chinese_name') names.add(c.column);
    if (c.kind === 'resident_id') ids.add(c.column);
    if (c.kind === 'date') dates.set(c.column, c.formats ?? DEFAULT_DATE_FORMATS);
  }
  for (const key of [...config.blockingRules, ...config.training.blockingRules].flat()) {
    if (key.transform === 'pinyin' || key.transform === 'name_initials' || key.transform === 'surname') names.add(key.column);
    if (key.transform === 'id_birth_date') ids.add(key.column);
    if ((key.transform === 'date' || key.transform === 'date_year_month') && !dates.has(key.column)) dates.set(key.column, DEFAULT_DATE_FORMATS);
  }
  return { names, ids, dates };
}

export async function addDerivedColumns(connection: DuckDBConnection, config: LinkageConfig): Promise<void> {
  const { names, ids, dates } = derivedNeeds(config);
  const selects: string[] = [];
  const joins: string[] = [];
  let index = 0;
  for (const column of names) {
    const table = `name_forms_${index++}`;
    await nameFormsTable(connection, column, table);
    joins.push(`LEFT JOIN ${table} ON r.${quoteIdentifier(column)} = ${table}.raw`);
    for (const form of NAME_FORMS) selects.push(`${table}.${form} AS ${derived(column, form)}`);
  }
  if (ids.size) await installIdentifierMacros(connection);
  for (const column of ids) {
    const value = `r.${quoteIdentifier(column)}`;
    selects.push(`dx_normalise_resident_id(${value}) AS ${derived(column, 'normal')}`);
    selects.push(`length(dx_clean_identifier(${value})) = 15 AS ${derived(column, 'legacy')}`);
  }
  for (const [column, formats] of dates) {
    const parsed = `try_strptime(r.${quoteIdentifier(column)}, [${formats.map(quoteLiteral).join(', ')}])::DATE`;
    selects.push(`${parsed} AS ${derived(column, 'date')}`);
    // The digits alone, so that one mistyped digit is one edit whatever the layout.
    selects.push(`coalesce(strftime(${parsed}, '%Y%m%d'), regexp_replace(r.${quoteIdentifier(column)}, '[^0-9]', '', 'g')) AS ${derived(column, 'digits')}`);
  }
  if (!selects.length) return;
  await connection.run(`CREATE OR REPLACE TABLE records AS SELECT r.*, ${selects.join(', ')} FROM records r ${joins.join(' ')} ORDER BY r.__row`);
}
