/**
 * Application types as data: one JSON file per type in pipelines/applications/ naming the
 * inputs the applicant gives, the facts the platform pulls (from which register, by which key)
 * and the rules a decision needs. A new type is a new file; no code changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINES_DIR } from '../paths.js';

export type InputKind = 'id_number' | 'text';
export type FactSourceName = 'person' | 'property_title';
export const FACT_SOURCES: readonly FactSourceName[] = ['person', 'property_title'];

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | {
    fact: string;
    equals?: string | number | boolean | null;
    notEquals?: string | number | boolean | null;
    in?: Array<string | number | boolean>;
    exists?: boolean;
    startsWith?: string;
    atLeast?: number;
    atMost?: number;
    equalsFact?: string;
  };

export interface ApplicationRule {
  id: string;
  says: string;
  when: Condition;
}

export interface ApplicationType {
  type: string;
  title: string;
  inputs: Record<string, { kind: InputKind; description: string; optional?: boolean }>;
  facts: Record<string, { from: FactSourceName; key: string; description?: string }>;
  rules: ApplicationRule[];
  file: string;
}

export class ApplicationTypeError extends Error {}

const TESTS = ['equals', 'notEquals', 'in', 'exists', 'startsWith', 'atLeast', 'atMost', 'equalsFact'] as const;

function checkPath(path: string, roots: Set<string>, where: string, problems: string[]): void {
  const [root, field] = path.split('.', 2);
  if (!root || !field || !roots.has(root)) problems.push(`${where}: "${path}" is not input.<name> or <fact>.<field> of a declared input or fact`);
}

function checkCondition(c: Condition, roots: Set<string>, inputs: Set<string>, where: string, problems: string[]): void {
  if (typeof c !== 'object' || c === null) { problems.push(`${where}: a condition is an object`); return; }
  if ('all' in c || 'any' in c) {
    const list = 'all' in c ? c.all : c.any;
    if (!Array.isArray(list) || list.length === 0) problems.push(`${where}: all/any takes a non-empty list`);
    else list.forEach((x, i) => checkCondition(x, roots, inputs, `${where}.${'all' in c ? 'all' : 'any'}[${i}]`, problems));
    return;
  }
  if ('not' in c) { checkCondition(c.not, roots, inputs, `${where}.not`, problems); return; }
  if (typeof c.fact !== 'string') { problems.push(`${where}: needs "fact" (or all / any / not)`); return; }
  checkPath(c.fact, roots, `${where}.fact`, problems);
  const tests = TESTS.filter((t) => t in c);
  if (tests.length !== 1) problems.push(`${where}: exactly one test of ${TESTS.join(', ')}; found ${tests.join(', ') || 'none'}`);
  if (c.equalsFact !== undefined) checkPath(c.equalsFact, roots, `${where}.equalsFact`, problems);
  const unknown = Object.keys(c).filter((k) => k !== 'fact' && !(TESTS as readonly string[]).includes(k));
  if (unknown.length) problems.push(`${where}: unknown key(s) ${unknown.join(', ')}`);
  void inputs;
}

/** Parse and check one type file; every problem is reported with the file and where in it. */
export function parseApplicationType(text: string, file: string): ApplicationType {
  let raw: ApplicationType;
  try {
    raw = JSON.parse(text) as ApplicationType;
  } catch (error) {
    throw new ApplicationTypeError(`${file}: not JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (typeof raw.type !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(raw.type)) problems.push('type: lowercase letters, digits and dashes');
  if (typeof raw.title !== 'string') problems.push('title: a string');
  const inputs = new Set(Object.keys(raw.inputs ?? {}));
  if (inputs.size === 0) problems.push('inputs: at least one');
  for (const [name, input] of Object.entries(raw.inputs ?? {})) if (!['id_number', 'text'].includes(input.kind)) problems.push(`inputs.${name}.kind: id_number or text`);
  const roots = new Set(['input']);
  for (const [name, fact] of Object.entries(raw.facts ?? {})) {
    if (name === 'input') problems.push('facts: "input" is reserved');
    if (!FACT_SOURCES.includes(fact.from)) problems.push(`facts.${name}.from: one of ${FACT_SOURCES.join(', ')}`);
    if (typeof fact.key !== 'string') problems.push(`facts.${name}.key: a path`);
    else checkPath(fact.key, roots, `facts.${name}.key`, problems);
    roots.add(name); // a fact's key may use the inputs and the facts declared before it
  }
  if (!Array.isArray(raw.rules) || raw.rules.length === 0) problems.push('rules: at least one');
  const ids = new Set<string>();
  for (const [i, rule] of (raw.rules ?? []).entries()) {
    if (typeof rule.id !== 'string' || ids.has(rule.id)) problems.push(`rules[${i}].id: a unique name`);
    ids.add(rule.id);
    if (typeof rule.says !== 'string') problems.push(`rules[${i}].says: what the rule requires, in words`);
    checkCondition(rule.when, roots, inputs, `rules[${i}] (${rule.id}).when`, problems);
  }
  if (problems.length) throw new ApplicationTypeError(`${file}: ${problems.join('; ')}`);
  return { ...raw, facts: raw.facts ?? {}, file };
}

export function applicationTypesDir(): string {
  return join(PIPELINES_DIR, 'applications');
}

export function loadApplicationTypes(dir = applicationTypesDir()): Map<string, ApplicationType> {
  const types = new Map<string, ApplicationType>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const type = parseApplicationType(readFileSync(join(dir, name), 'utf8'), name);
    if (`${type.type}.json` !== name) throw new ApplicationTypeError(`${name}: the file must be named after its type (${type.type}.json)`);
    types.set(type.type, type);
  }
  return types;
}
