/**
 * Evaluating a rule's condition against the facts: met or not, and, when not, why in words
 * ("applicant.register_status is "moved_out"; needs "normal""). A fact that could not be found
 * meets no test except `exists: false`.
 */
import type { Condition } from './applicationType.js';

/** Reads a path (input.x or fact.field); undefined when the fact or field is missing. */
export type PathReader = (path: string) => unknown;

export interface Outcome {
  met: boolean;
  why: string;
}

const shown = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

function leaf(c: Extract<Condition, { fact: string }>, read: PathReader): Outcome {
  const value = read(c.fact);
  const present = value !== undefined && value !== null;
  const say = (met: boolean, needs: string): Outcome => ({ met, why: `${c.fact} is ${shown(value)}; needs ${needs}` });
  if (c.exists !== undefined) return say(present === c.exists, c.exists ? 'a value' : 'none');
  if (c.equals !== undefined) return say(present && value === c.equals, JSON.stringify(c.equals));
  if (c.notEquals !== undefined) return say(present && value !== c.notEquals, `anything but ${JSON.stringify(c.notEquals)}`);
  if (c.in !== undefined) return say(present && c.in.includes(value as never), `one of ${JSON.stringify(c.in)}`);
  if (c.startsWith !== undefined) return say(typeof value === 'string' && value.startsWith(c.startsWith), `to start with ${JSON.stringify(c.startsWith)}`);
  if (c.atLeast !== undefined) return say(typeof value === 'number' && value >= c.atLeast, `at least ${c.atLeast}`);
  if (c.atMost !== undefined) return say(typeof value === 'number' && value <= c.atMost, `at most ${c.atMost}`);
  const other = read(c.equalsFact!);
  return say(present && value === other, `${c.equalsFact} (${shown(other)})`);
}

export function evaluate(c: Condition, read: PathReader): Outcome {
  if ('all' in c) {
    const outcomes = c.all.map((x) => evaluate(x, read));
    const failed = outcomes.filter((o) => !o.met);
    return { met: failed.length === 0, why: failed.map((o) => o.why).join('; ') };
  }
  if ('any' in c) {
    const outcomes = c.any.map((x) => evaluate(x, read));
    return { met: outcomes.some((o) => o.met), why: `none of: ${outcomes.map((o) => `(${o.why})`).join(' or ')}` };
  }
  if ('not' in c) {
    const inner = evaluate(c.not, read);
    return { met: !inner.met, why: `not expected: ${inner.why}` };
  }
  return leaf(c, read);
}
