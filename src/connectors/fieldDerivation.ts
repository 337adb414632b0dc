/**
 * How a manifest derives a field's text from a department's row when no single column holds
 * it as is: several columns in a template, a surrogate key, null tokens, cleaning, a slice, a
 * regular-expression capture, a code-table lookup, and the department's own layout for a
 * department-defined identifier. This file checks what a manifest declares and resolves it;
 * src/collect/derivationSql.ts compiles it to DuckDB SQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalField } from '../schemas/canonicalSchemas.js';
import { splitCsvLine } from '../collect/csvLine.js';

export const CLEAN_STEPS = ['full-width', 'spaces', 'thousands', 'currency', 'percent', 'upper'] as const;
export type CleanStep = (typeof CLEAN_STEPS)[number];

export type Surrogate = 'file-line' | { hash: string[] };

/** What a manifest may declare on a field beside column/value/parse/formats/codes/when. */
export interface DerivationDeclaration {
  template?: string;
  surrogate?: Surrogate;
  nullTokens?: string[];
  clean?: CleanStep[];
  slice?: { start: number; length?: number };
  extract?: string;
  lookup?: { map?: Record<string, string>; file?: string };
  pattern?: string;
}

export interface Derivation {
  template?: { text: string; parts: Array<{ literal: string } | { column: string }> };
  surrogate?: Surrogate;
  nullTokens: string[];
  clean: CleanStep[];
  slice?: { start: number; length?: number };
  extract?: string;
  lookup?: { name: string; map: Record<string, string> };
  /** The department's layout, replacing the canonical pattern of a department-defined field. */
  pattern?: string;
}

/** National identifiers: their layout is the standard's, never a department's. */
const NATIONAL_FORMATS: Record<string, string> = { 'cn-resident-id': 'GB 11643', 'cn-uscc': 'GB 32100' };

/** The template's literal pieces and the columns it names. */
export function parseTemplate(text: string): Derivation['template'] | string {
  const parts: Array<{ literal: string } | { column: string }> = [];
  const re = /\{([^{}]*)\}/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]!.trim() === '') return `"${text}" has an empty {} (name a column inside the braces)`;
    if (m.index > at) parts.push({ literal: text.slice(at, m.index) });
    parts.push({ column: m[1]! });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ literal: text.slice(at) });
  if (parts.some((p) => 'literal' in p && /[{}]/.test(p.literal))) return `"${text}" has an unbalanced brace`;
  if (!parts.some((p) => 'column' in p)) return `"${text}" names no {column}`;
  return { text, parts };
}

/**
 * Why `source` is not a regular expression DuckDB (RE2) runs, or null. JavaScript checks the
 * syntax; lookaround and backreferences, which RE2 lacks, are refused here rather than at the
 * first row.
 */
export function regexProblem(source: string, groups?: number): string | null {
  let compiled: RegExp;
  try {
    compiled = new RegExp(source, 'u');
  } catch (error) {
    // Unicode mode refuses escapes RE2 takes (such as \- outside a class): judge without it then.
    try {
      compiled = new RegExp(source);
    } catch {
      return `"${source}" is not a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
    }
  }
  if (/\(\?<?[=!]/.test(source)) return `"${source}" uses lookaround, which the engine (RE2) does not support`;
  if (/\\[1-9]|\\k</.test(source)) return `"${source}" uses a backreference, which the engine (RE2) does not support`;
  if (/\(\?<[A-Za-z]/.test(source)) return `"${source}" uses a named group; write a plain (group)`;
  if (groups !== undefined) {
    const found = new RegExp(`${compiled.source}|`, compiled.flags).exec('')!.length - 1;
    if (found !== groups) return `"${source}" has ${found} capture groups; it needs exactly ${groups} (the part to keep, in parentheses)`;
  }
  return null;
}

function readLookupFile(baseDir: string | undefined, file: string): Record<string, string> | string {
  if (!baseDir) return `lookup file "${file}" cannot be found without the manifest's folder`;
  let text: string;
  try {
    text = readFileSync(join(baseDir, file), 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return `lookup file "${file}" is not beside the manifest`;
  }
  if (file.endsWith('.json')) {
    try {
      const json = JSON.parse(text) as unknown;
      if (!json || typeof json !== 'object' || Array.isArray(json) || Object.values(json).some((v) => typeof v !== 'string')) {
        return `lookup file "${file}" must be one JSON object of text to text`;
      }
      return json as Record<string, string>;
    } catch (error) {
      return `lookup file "${file}" is not valid JSON: ${(error as Error).message}`;
    }
  }
  const map: Record<string, string> = {};
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = splitCsvLine(line).map((c) => c.trim());
    if (cells.length < 2 || cells[0] === '') return `lookup file "${file}" line ${i + 2} has no text and value`;
    map[cells[0]!] = cells[1]!;
  }
  if (Object.keys(map).length === 0) return `lookup file "${file}" holds no entries below its header`;
  return map;
}

/** Resolve a field's derivation; every problem names the manifest path of the construct. */
export function resolveDerivation(name: string, declared: DerivationDeclaration, field: CanonicalField, manifestNullTokens: string[] | undefined, baseDir: string | undefined, problems: string[]): Derivation {
  const at = `/fields/${name}`;
  const derivation: Derivation = { nullTokens: declared.nullTokens ?? manifestNullTokens ?? [], clean: CLEAN_STEPS.filter((s) => declared.clean?.includes(s)) };
  if (declared.template !== undefined) {
    const template = parseTemplate(declared.template);
    if (typeof template === 'string') problems.push(`${at}/template: ${template}`);
    else derivation.template = template;
  }
  if (declared.surrogate !== undefined) {
    if (field.type !== 'string' || field.format) problems.push(`${at}/surrogate: a surrogate key fills a plain text field; ${name} is ${field.format ?? field.type}`);
    if (declared.clean || declared.slice || declared.extract || declared.lookup) problems.push(`${at}/surrogate: a surrogate key is made as it is; clean, slice, extract and lookup do not apply`);
    derivation.surrogate = declared.surrogate;
  }
  if (declared.slice) {
    derivation.slice = declared.slice;
  }
  if (declared.extract !== undefined) {
    const problem = regexProblem(declared.extract, 1);
    if (problem) problems.push(`${at}/extract: ${problem}`);
    else derivation.extract = declared.extract;
  }
  if (declared.lookup) {
    if (declared.lookup.map) derivation.lookup = { name: 'its lookup map', map: declared.lookup.map };
    else if (declared.lookup.file) {
      const map = readLookupFile(baseDir, declared.lookup.file);
      if (typeof map === 'string') problems.push(`${at}/lookup/file: ${map}`);
      else derivation.lookup = { name: declared.lookup.file, map };
    }
  }
  if (declared.pattern !== undefined) {
    const national = field.format ? NATIONAL_FORMATS[field.format] : undefined;
    if (national) problems.push(`${at}/pattern: ${name} is a national identifier (${national}); its layout is the standard's, not the department's`);
    else if (!field.departmentDefined) problems.push(`${at}/pattern: the canonical schema does not mark ${name} as department-defined (x-department-defined), so its layout is fixed`);
    else {
      const problem = regexProblem(declared.pattern);
      if (problem) problems.push(`${at}/pattern: ${problem}`);
      else derivation.pattern = declared.pattern;
    }
  }
  return derivation;
}

/** The department columns a derivation reads besides `column`. */
export function derivationColumns(derivation: Derivation): string[] {
  const columns = derivation.template?.parts.flatMap((p) => ('column' in p ? [p.column] : [])) ?? [];
  if (derivation.surrogate && derivation.surrogate !== 'file-line') columns.push(...derivation.surrogate.hash);
  return columns;
}

/** The derivation in the manifest's words, for a quarantine reason: e.g. `slice(1, 18)`. */
export function describeSteps(derivation: Derivation): string {
  const steps: string[] = [];
  if (derivation.slice) steps.push(`slice(${derivation.slice.start}${derivation.slice.length ? `, ${derivation.slice.length}` : ''})`);
  if (derivation.extract) steps.push(`extract /${derivation.extract}/`);
  if (derivation.lookup) steps.push(`lookup in ${derivation.lookup.name}`);
  return steps.join(' then ');
}
