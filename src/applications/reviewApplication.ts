/**
 * Automatic application review (the Wenzhou model): the applicant gives an ID number (and, for
 * some types, a certificate number); the platform pulls the facts the type names, checks every
 * rule, and approves automatically when all are met, otherwise routes the application to a
 * person with each unmet rule named. The decision keeps every fact it read and its source.
 */
import { randomUUID } from 'node:crypto';
import { normaliseResidentId, residentIdProblem } from '../ids/residentId.js';
import type { ApplicationType } from './applicationType.js';
import { evaluate } from './conditions.js';
import type { FactRecord, FactSources } from './factSources.js';

export type DecisionOutcome = 'approved' | 'manual_review';

export interface UsedFact {
  value: unknown;
  source: Record<string, unknown> | null;
}

export interface ApplicationDecision {
  id: string;
  type: string;
  title: string;
  receivedAt: string;
  by: string;
  /** The published period whose registers answered. */
  period: string;
  input: Record<string, string>;
  decision: DecisionOutcome;
  met: string[];
  unmet: Array<{ rule: string; says: string; why: string }>;
  /** Every fact the rules read, by path, with the department record it came from. */
  facts: Record<string, UsedFact>;
  /** Facts the platform looked for and did not find. */
  notFound: string[];
}

export class ApplicationInputError extends Error {}

/** The inputs the type declares, normalised (ID numbers to their normal form), or an error naming the input. */
export function applicationInput(type: ApplicationType, given: Record<string, unknown>): Record<string, string> {
  const input: Record<string, string> = {};
  const unknown = Object.keys(given).filter((k) => !(k in type.inputs) && k !== 'purpose');
  if (unknown.length) throw new ApplicationInputError(`${type.type} takes ${Object.keys(type.inputs).join(', ')}; not ${unknown.join(', ')}`);
  for (const [name, spec] of Object.entries(type.inputs)) {
    const raw = typeof given[name] === 'string' ? (given[name] as string).trim() : '';
    if (!raw) {
      if (spec.optional) continue;
      throw new ApplicationInputError(`${name} is required: ${spec.description}`);
    }
    if (spec.kind === 'id_number') {
      const id = normaliseResidentId(raw);
      const problem = residentIdProblem(id);
      if (problem) throw new ApplicationInputError(`${name} "${raw}" is not a valid citizen ID number: ${problem}`);
      input[name] = id;
    } else input[name] = raw;
  }
  return input;
}

export async function reviewApplication(
  type: ApplicationType, given: Record<string, unknown>, sources: FactSources, context: { by: string; period: string },
): Promise<ApplicationDecision> {
  const input = applicationInput(type, given);
  const records = new Map<string, FactRecord | undefined>();
  const notFound: string[] = [];
  const used: Record<string, UsedFact> = {};
  const read = (path: string): unknown => {
    const [root, field] = path.split('.', 2) as [string, string];
    if (root === 'input') return input[field];
    const record = records.get(root);
    const value = record?.value[field];
    used[path] = { value: value ?? null, source: record ? record.sourceOf(field) : null };
    return value;
  };
  for (const [name, fact] of Object.entries(type.facts)) {
    const key = read(fact.key);
    const record = typeof key === 'string' && key ? await sources[fact.from](key) : undefined;
    records.set(name, record);
    if (!record) notFound.push(`${name}: no ${fact.from.replace('_', ' ')} ${typeof key === 'string' && key ? `"${key}"` : `(${fact.key} is missing)`}`);
  }
  const met: string[] = [];
  const unmet: ApplicationDecision['unmet'] = [];
  for (const rule of type.rules) {
    const outcome = evaluate(rule.when, read);
    if (outcome.met) met.push(rule.id);
    else unmet.push({ rule: rule.id, says: rule.says, why: outcome.why });
  }
  return {
    id: `A${randomUUID().replaceAll('-', '').slice(0, 16)}`, type: type.type, title: type.title, receivedAt: new Date().toISOString(), by: context.by, period: context.period,
    input, decision: unmet.length === 0 ? 'approved' : 'manual_review', met, unmet, facts: used, notFound,
  };
}
