/**
 * EM for the Fellegi–Sunter model over gamma patterns (each distinct combination of levels with
 * how many pairs have it): u stays as estimated from random pairs, and EM finds m for the
 * comparisons it is told to train and the share of matches λ among the pairs. Missing levels
 * (-1) count for nothing, and a comparison left out (one a training rule blocks on, whose
 * agreement the rule forced) counts for nothing either.
 */

export interface GammaPattern {
  gammas: number[];
  count: number;
}

/** Probabilities per level value: index g is gamma g (0 = no level held, k = the most alike). */
export type LevelProbabilities = number[];

export interface EmResult {
  m: LevelProbabilities[];
  lambda: number;
  iterations: number;
}

/** Starting m: most of the mass on the most alike level, a little on "none". */
export function initialM(levels: number): LevelProbabilities {
  const m = new Array<number>(levels + 1).fill(0);
  m[levels] = 0.85;
  m[0] = 0.03;
  for (let g = 1; g < levels; g++) m[g] = 0.12 / Math.max(1, levels - 1);
  if (levels === 1) m[1] = 0.97;
  return m;
}

const FLOOR = 1e-9;
/**
 * A level no match in the training pairs showed still happens to some match elsewhere (a typed
 * surname, a wrong sex code): each level keeps at least this share of m, so that one field
 * disagreeing costs at most about log2(1 / M_PRIOR) bits instead of vetoing the pair.
 */
const M_PRIOR = 1e-4;

export function expectationMaximisation(patterns: GammaPattern[], u: LevelProbabilities[], start: { m: LevelProbabilities[]; lambda: number }, trained: boolean[], maxIterations = 100, tolerance = 1e-6): EmResult {
  let m = start.m.map((levels) => [...levels]);
  let lambda = start.lambda;
  let iterations = 0;
  const total = patterns.reduce((s, p) => s + p.count, 0);
  if (total === 0) return { m, lambda, iterations };
  for (; iterations < maxIterations; iterations++) {
    const sums = m.map((levels) => new Array<number>(levels.length).fill(0));
    let matched = 0;
    for (const pattern of patterns) {
      let logRatio = Math.log(lambda) - Math.log(1 - lambda);
      for (let k = 0; k < pattern.gammas.length; k++) {
        const g = pattern.gammas[k]!;
        if (g < 0 || !trained[k]) continue;
        logRatio += Math.log(Math.max(m[k]![g]!, FLOOR)) - Math.log(Math.max(u[k]![g]!, FLOOR));
      }
      const posterior = 1 / (1 + Math.exp(-logRatio));
      const weight = posterior * pattern.count;
      matched += weight;
      for (let k = 0; k < pattern.gammas.length; k++) {
        const g = pattern.gammas[k]!;
        if (g >= 0) sums[k]![g]! += weight;
      }
    }
    const next = m.map((levels, k) => {
      if (!trained[k]) return levels;
      const sum = sums[k]!.reduce((s, x) => s + x, 0);
      const prior = M_PRIOR * sum;
      return sum > 0 ? sums[k]!.map((x) => (x + prior) / (sum + prior * levels.length)) : levels;
    });
    const nextLambda = Math.min(Math.max(matched / total, 1e-9), 1 - 1e-9);
    const change = Math.max(Math.abs(nextLambda - lambda), ...next.flatMap((levels, k) => levels.map((x, g) => Math.abs(x - m[k]![g]!))));
    m = next;
    lambda = nextLambda;
    if (change < tolerance) { iterations++; break; }
  }
  return { m, lambda, iterations };
}
