/**
 * The trained model as model.json: λ, and for every comparison its levels with m, u and the
 * match weight they give, so that a steward can review it and a later run can reuse it
 * (`--model`) instead of training again.
 */
import { readFileSync } from 'node:fs';
import type { ModelComparison } from './comparisonLevels.js';
import type { LevelProbabilities } from './expectationMaximisation.js';

export const MODEL_FORMAT = 'dx-linkage-model/1';

export interface TrainingRuleReport {
  rule: string;
  pairs: number;
  sampledPairs: number;
  lambda: number;
  iterations: number;
  trained: string[];
}

export interface LinkageModel {
  lambda: number;
  /** Per model comparison, by gamma value (index 0 = no level held). */
  m: LevelProbabilities[];
  u: LevelProbabilities[];
  training?: { randomPairs: number; rules: TrainingRuleReport[]; estimatedMatches: number };
}

export class LinkageModelError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'LinkageModelError';
  }
}

const log2 = (x: number) => Math.log(x) / Math.LN2;

export function modelJson(model: LinkageModel, comparisons: ModelComparison[]): object {
  return {
    format: MODEL_FORMAT,
    probability_two_random_records_match: model.lambda,
    prior_match_weight: log2(model.lambda / (1 - model.lambda)),
    comparisons: comparisons.map((c, k) => ({
      name: c.name,
      column: c.column,
      kind: c.kind,
      term_frequency_column: c.termFrequencyColumn ?? null,
      levels: [...c.levels.map((level, i) => ({ gamma: c.levels.length - i, label: level.label })), { gamma: 0, label: 'none of the above' }].map((level) => ({
        ...level,
        m: model.m[k]![level.gamma]!,
        u: model.u[k]![level.gamma]!,
        match_weight: log2(model.m[k]![level.gamma]! / model.u[k]![level.gamma]!),
      })),
    })),
    training: model.training ?? null,
  };
}

interface ModelFile {
  format: string;
  probability_two_random_records_match: number;
  comparisons: { name: string; levels: { gamma: number; label: string; m: number; u: number }[] }[];
  training?: LinkageModel['training'] | null;
}

const isProbability = (x: unknown) => typeof x === 'number' && x > 0 && x < 1 + 1e-12;

/** Read a model.json written by an earlier run, checked against this run's comparisons. */
export function readLinkageModel(file: string, comparisons: ModelComparison[]): LinkageModel {
  let json: ModelFile;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ModelFile;
  } catch (error) {
    throw new LinkageModelError(file, `cannot be read as JSON: ${(error as Error).message}`);
  }
  if (json.format !== MODEL_FORMAT) throw new LinkageModelError(file, `is not a linkage model (format ${String(json.format)}, expected ${MODEL_FORMAT})`);
  if (!isProbability(json.probability_two_random_records_match)) throw new LinkageModelError(file, 'probability_two_random_records_match must be a probability');
  const m: LevelProbabilities[] = [];
  const u: LevelProbabilities[] = [];
  for (const c of comparisons) {
    const saved = json.comparisons?.find((s) => s.name === c.name);
    if (!saved) throw new LinkageModelError(file, `has no comparison "${c.name}": it was trained for another configuration`);
    const labels = [...c.levels.map((l) => l.label), 'none of the above'];
    const savedLabels = saved.levels.map((l) => l.label);
    if (labels.join('|') !== savedLabels.join('|')) throw new LinkageModelError(file, `comparison "${c.name}" has levels ${savedLabels.join(', ')}; the configuration has ${labels.join(', ')}`);
    const mk: number[] = [];
    const uk: number[] = [];
    for (const level of saved.levels) {
      if (!isProbability(level.m) || !isProbability(level.u)) throw new LinkageModelError(file, `comparison "${c.name}" level "${level.label}" needs m and u between 0 and 1`);
      mk[level.gamma] = level.m;
      uk[level.gamma] = level.u;
    }
    m.push(mk);
    u.push(uk);
  }
  return { lambda: json.probability_two_random_records_match, m, u, training: json.training ?? undefined };
}
