/**
 * `dx connectors draft`: a first manifest proposed from a department's file. The header is
 * matched against every canonical schema, by the names the project's manifests already use for
 * each field and the Chinese terms the schemas' descriptions give (出生日期, 人员状态, ...), and
 * by what the values look like (ID numbers, USCCs, dates). The steward finishes the draft;
 * `dx connectors check` then tries it on the file.
 */
import type { CanonicalField, CanonicalSchema } from '../schemas/canonicalSchemas.js';
import type { Connector, Encoding, SourceFormat } from './manifest.js';

export interface DraftInput {
  file: string;
  format: SourceFormat;
  encoding: Encoding;
  delimiter: string;
  header: string[];
  rows: string[][];
}

export interface Draft {
  schema: string;
  manifest: Record<string, unknown>;
  notes: string[];
}

const normalise = (s: string): string => s.replace(/[\s_（）()·:：\-/]/g, '').toLowerCase();

/** Chinese terms a field's description names, e.g. "Date of death (死亡日期)" gives 死亡日期. */
export function descriptionTerms(description: string): string[] {
  const terms: string[] = [];
  for (const m of description.matchAll(/[（(]([^()（）]+)[)）]/g)) {
    for (const part of m[1]!.split(/[/,，、;；]/)) {
      const term = part.trim();
      if (/[\u4e00-\u9fff]/.test(term)) terms.push(term.replace(/^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff]+$/g, ''));
    }
  }
  return terms.filter((t) => t.length >= 2);
}

/** "code (label)" pairs of an enum field's description: "normal (正常), deceased (死亡注销)". */
export function descriptionLabels(field: CanonicalField): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const code of field.enum ?? []) {
    const m = new RegExp(`\\b${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[（(]([^()（）]+)[)）]`).exec(field.description);
    if (m) for (const label of m[1]!.split(/[/,，、]/)) if (label.trim()) labels[label.trim()] = code;
  }
  return labels;
}

interface FieldNames {
  names: Map<string, Set<string>>;
  codes: Map<string, Record<string, string>>;
}

/** What the existing manifests and the schema call each field. */
function namesOf(schema: CanonicalSchema, connectors: Connector[]): FieldNames {
  const names = new Map<string, Set<string>>();
  const codes = new Map<string, Record<string, string>>();
  for (const field of schema.fields) {
    names.set(field.name, new Set([field.name, ...descriptionTerms(field.description)].map(normalise)));
    codes.set(field.name, { ...Object.fromEntries((field.enum ?? []).map((c) => [c, c])), ...descriptionLabels(field) });
  }
  for (const connector of connectors.filter((c) => c.schema.name === schema.name)) {
    for (const r of connector.readers) {
      if (r.column) names.get(r.field.name)?.add(normalise(r.column));
      if (r.codes) Object.assign(codes.get(r.field.name)!, r.codes);
    }
  }
  return { names, codes };
}

const looksLike: Record<string, RegExp> = {
  'cn-resident-id': /^\d{17}[\dXx]$|^\d{15}$/,
  'cn-uscc': /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/,
  date: /^\d{4}([-/年.]?\d{1,2}){2}日?( \d{1,2}:\d{2}:\d{2})?$|^\d{14}$/,
  'year-month': /^\d{4}[-年./]?\d{1,2}月?$/,
};

function valuesFit(field: CanonicalField, values: string[]): boolean {
  const re = field.format ? looksLike[field.format] : undefined;
  const present = values.filter((v) => v.trim() !== '');
  return re !== undefined && present.length > 0 && present.filter((v) => re.test(v.trim())).length / present.length >= 0.8;
}

/** How well `column` names `field`: 3 a name already used, 2 one contains the other, 0 none. */
function nameScore(column: string, known: Set<string>): number {
  const c = normalise(column);
  if (known.has(c)) return 3;
  for (const k of known) if (k.length >= 2 && c.length >= 2 && /[\u4e00-\u9fff]/.test(k) && (c.includes(k) || k.includes(c))) return 2;
  return 0;
}

const DATE_LAYOUTS: Array<[string, RegExp]> = [
  ['YYYYMMDD', /^\d{8}$/], ['YYYY-MM-DD', /^\d{4}-\d{1,2}-\d{1,2}$/], ['YYYY/M/D', /^\d{4}\/\d{1,2}\/\d{1,2}$/], ['YYYY年M月D日', /^\d{4}年\d{1,2}月\d{1,2}日$/],
  ['YYYY.M.D', /^\d{4}\.\d{1,2}\.\d{1,2}$/], ['YYYY-MM-DD HH:MM:SS', /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}$/],
  ['YYYY/M/D H:MM:SS', /^\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}:\d{2}$/], ['YYYYMMDDHHMMSS', /^\d{14}$/],
];
const MONTH_LAYOUTS: Array<[string, RegExp]> = [
  ['YYYYMM', /^\d{6}$/], ['YYYY-MM', /^\d{4}-\d{1,2}$/], ['YYYY年M月', /^\d{4}年\d{1,2}月$/], ['YYYY.MM', /^\d{4}\.\d{1,2}$/], ['YYYY/MM', /^\d{4}\/\d{1,2}$/],
];

function layoutsSeen(values: string[], layouts: Array<[string, RegExp]>): string[] {
  return layouts.filter(([, re]) => values.some((v) => re.test(v.trim()))).map(([name]) => name);
}

interface Match { field: CanonicalField; column: number; score: number }

function matchSchema(schema: CanonicalSchema, connectors: Connector[], input: DraftInput): Match[] {
  const { names } = namesOf(schema, connectors);
  const candidates: Match[] = [];
  input.header.forEach((column, i) => {
    const values = input.rows.map((r) => r[i] ?? '');
    for (const field of schema.fields) {
      // Values that can only be identifiers (ID numbers, USCCs) name their field as well as a header does.
      const fit = valuesFit(field, values) ? (field.format === 'cn-resident-id' || field.format === 'cn-uscc' ? 2 : 1) : 0;
      const score = nameScore(column, names.get(field.name)!) + fit;
      if (score >= 2) candidates.push({ field, column: i, score });
    }
  });
  // Best pairs first; each field and each column used once.
  candidates.sort((a, b) => b.score - a.score || a.column - b.column);
  const usedFields = new Set<string>();
  const usedColumns = new Set<number>();
  return candidates.filter((m) => {
    if (usedFields.has(m.field.name) || usedColumns.has(m.column)) return false;
    usedFields.add(m.field.name);
    usedColumns.add(m.column);
    return true;
  });
}

/** The file name as a glob: a period in it becomes {YYYYMM} or {YYYY-MM}. */
export function globOf(file: string): string {
  return file.replace(/(19|20)\d{2}-(0[1-9]|1[0-2])(?!\d)/, '{YYYY-MM}').replace(/(?<!\d)(19|20)\d{2}(0[1-9]|1[0-2])(?!\d)/, '{YYYYMM}');
}

function fieldMapping(m: Match, input: DraftInput, codes: Record<string, string>, notes: string[]): Record<string, unknown> {
  const column = input.header[m.column]!;
  const values = [...new Set(input.rows.map((r) => (r[m.column] ?? '').trim()).filter((v) => v !== ''))];
  const mapping: Record<string, unknown> = { column };
  if (m.field.format === 'date' || m.field.format === 'year-month') {
    const seen = layoutsSeen(values, m.field.format === 'date' ? DATE_LAYOUTS : MONTH_LAYOUTS);
    if (seen.length > 0) mapping.formats = seen;
    else notes.push(`${m.field.name} (${column}): no known ${m.field.format === 'date' ? 'date' : 'month'} layout in the sample (values like "${values[0] ?? ''}")`);
  }
  if (m.field.enum) {
    const proposed: Record<string, string> = {};
    const unknown: string[] = [];
    for (const label of values.slice(0, 40)) {
      if (codes[label]) proposed[label] = codes[label]!;
      else unknown.push(label);
    }
    for (const label of unknown) proposed[label] = '';
    mapping.codes = proposed;
    if (unknown.length > 0) notes.push(`${m.field.name} (${column}): labels seen without a code: ${unknown.join(', ')}; write one of ${m.field.enum.join(', ')} for each`);
  }
  return mapping;
}

/** Propose a manifest for the file: the canonical schema whose fields its header fits best. */
export function draftManifest(input: DraftInput, schemas: Map<string, CanonicalSchema>, connectors: Connector[]): Draft {
  const scored = [...schemas.values()].map((schema) => {
    const matches = matchSchema(schema, connectors, input);
    const required = schema.fields.filter((f) => f.required);
    const covered = required.filter((f) => matches.some((m) => m.field.name === f.name)).length;
    return { schema, matches, score: matches.reduce((s, m) => s + m.score, 0) + 2 * covered - (required.length - covered) };
  }).sort((a, b) => b.score - a.score);
  const best = scored[0]!;
  const notes: string[] = [];
  const { codes } = namesOf(best.schema, connectors);
  const fields: Record<string, unknown> = {};
  for (const m of [...best.matches].sort((a, b) => a.column - b.column)) fields[m.field.name] = fieldMapping(m, input, codes.get(m.field.name)!, notes);
  const missing = best.schema.fields.filter((f) => f.required && !fields[f.name]).map((f) => f.name);
  if (missing.length > 0) notes.push(`required field(s) not found in the header: ${missing.join(', ')} (map a column, derive it, or give a value)`);
  const unmapped = input.header.filter((_, i) => !best.matches.some((m) => m.column === i));
  if (unmapped.length > 0) notes.push(`columns left unmapped: ${unmapped.join(', ')}`);
  if (scored[1] && scored[1].score === best.score) notes.push(`the header fits ${scored[1].schema.name} as well as ${best.schema.name}: check the schema`);
  notes.push('department and dataset are placeholders: write the department\'s code and the dataset\'s, and put the glob under the department\'s folder of the drop');
  const source: Record<string, unknown> = { glob: globOf(input.file), format: input.format };
  if (input.format !== 'parquet') source.encoding = input.encoding;
  if (input.format === 'csv' && input.delimiter !== ',') source.delimiter = input.delimiter;
  return {
    schema: best.schema.name,
    manifest: { department: 'department-code', dataset: best.schema.name, schema: best.schema.name, source, fields },
    notes,
  };
}
