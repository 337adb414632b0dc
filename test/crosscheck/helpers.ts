/** Precision and recall of findings against planted truth, by key. */
import type { Finding } from '../../src/crosscheck/findings.js';

export interface Score {
  found: number;
  planted: number;
  truePositives: number;
  precision: number;
  recall: number;
  falsePositives: string[];
  missed: string[];
}

export function score(found: string[], planted: string[]): Score {
  const plantedSet = new Set(planted);
  const foundSet = new Set(found);
  const truePositives = [...foundSet].filter((k) => plantedSet.has(k)).length;
  return {
    found: foundSet.size, planted: plantedSet.size, truePositives,
    precision: foundSet.size === 0 ? 1 : truePositives / foundSet.size,
    recall: plantedSet.size === 0 ? 1 : truePositives / plantedSet.size,
    falsePositives: [...foundSet].filter((k) => !plantedSet.has(k)).slice(0, 10),
    missed: [...plantedSet].filter((k) => !foundSet.has(k)).slice(0, 10),
  };
}

export function describe(name: string, s: Score): string {
  return `${name}: ${s.truePositives} of ${s.found} found are planted (precision ${(s.precision * 100).toFixed(2)}%), ${s.truePositives} of ${s.planted} planted found (recall ${(s.recall * 100).toFixed(2)}%)`
    + (s.falsePositives.length ? `; false: ${s.falsePositives.join(' ')}` : '') + (s.missed.length ? `; missed: ${s.missed.join(' ')}` : '');
}

export const SUBSIDY_REASON_RULES = ['subsidy_deceased', 'subsidy_moved_out', 'subsidy_certificate_expired', 'subsidy_grade_too_low', 'subsidy_not_in_minimum_living_allowance'];

export const byRule = (findings: Finding[], ...rules: string[]): Finding[] => findings.filter((f) => rules.includes(f.rule));

export const subsidyType = (f: Finding): string => String(f.evidence.subsidy_type);
