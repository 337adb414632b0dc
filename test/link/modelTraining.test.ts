/** EM recovers m and λ from gamma patterns whose truth is known; clusters are connected components named after their smallest member. */
import fc from 'fast-check';
import t from 'tap';
import { expectationMaximisation, initialM, type GammaPattern } from '../../src/link/expectationMaximisation.js';
import { pairQuality } from '../../src/link/pairQuality.js';
import { connectedComponents } from '../../src/link/recordClusters.js';

/** Expected pattern counts of a mixture with known m, u and λ (conditional independence holds by construction). */
function mixture(m: number[][], u: number[][], lambda: number, pairs: number): GammaPattern[] {
  const patterns: GammaPattern[] = [];
  const walk = (k: number, gammas: number[], pm: number, pu: number) => {
    if (k === m.length) { patterns.push({ gammas, count: pairs * (lambda * pm + (1 - lambda) * pu) }); return; }
    for (let g = 0; g < m[k]!.length; g++) walk(k + 1, [...gammas, g], pm * m[k]![g]!, pu * u[k]![g]!);
  };
  walk(0, [], 1, 1);
  return patterns;
}

t.test('EM finds m and λ when u is known', async (t) => {
  const m = [[0.05, 0.15, 0.8], [0.1, 0.9], [0.02, 0.08, 0.2, 0.7]];
  const u = [[0.9, 0.08, 0.02], [0.7, 0.3], [0.95, 0.03, 0.015, 0.005]];
  const patterns = mixture(m, u, 0.2, 100_000);
  const result = expectationMaximisation(patterns, u, { m: m.map((levels) => initialM(levels.length - 1)), lambda: 0.5 }, [true, true, true], 500, 1e-9);
  t.ok(Math.abs(result.lambda - 0.2) < 0.005, `λ ${result.lambda}`);
  result.m.forEach((levels, k) => levels.forEach((x, g) => t.ok(Math.abs(x - m[k]![g]!) < 0.01, `m[${k}][${g}] ${x.toFixed(4)} ≈ ${m[k]![g]}`)));
});

t.test('a comparison left out of training keeps its m and says nothing about the pairs', async (t) => {
  const m = [[0.05, 0.95], [0.1, 0.9]];
  const u = [[0.9, 0.1], [0.8, 0.2]];
  const start = { m: [[0.5, 0.5], [0.3, 0.7]], lambda: 0.3 };
  const result = expectationMaximisation(mixture(m, u, 0.3, 10_000), u, start, [true, false]);
  t.same(result.m[1], [0.3, 0.7], 'untrained m unchanged');
  const missing = expectationMaximisation([{ gammas: [-1, -1], count: 100 }], u, start, [true, true]);
  t.ok(Math.abs(missing.lambda - 0.3) < 1e-9, 'pairs with every value missing leave λ at its prior');
});

t.test('clusters are the connected components, each named after its smallest member', async (t) => {
  await fc.assert(fc.property(fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }))), ([n, edges]) => {
    const roots = connectedComponents(n, edges);
    const adjacency = Array.from({ length: n }, () => [] as number[]);
    for (const [a, b] of edges) { adjacency[a]!.push(b); adjacency[b]!.push(a); }
    for (let start = 0; start < n; start++) {
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length) for (const next of adjacency[queue.pop()!]!) if (!seen.has(next)) { seen.add(next); queue.push(next); }
      if (roots[start] !== Math.min(...seen)) return false;
    }
    return true;
  }));
});

t.test('pair quality counts every true pair of an entity once', async (t) => {
  const entity = new Map([['a', '1'], ['b', '1'], ['c', '1'], ['d', '2'], ['e', '3']]);
  const q = pairQuality([['a', 'b'], ['b', 'a'], ['b', 'c'], ['d', 'e']], entity);
  t.same([q.truePairs, q.predictedPairs, q.correctPairs], [3, 3, 2]);
  t.ok(Math.abs(q.precision - 2 / 3) < 1e-12 && Math.abs(q.recall - 2 / 3) < 1e-12);
});
