/**
 * Precision, recall and F1 of predicted links against a ground truth that says which entity
 * each record is: the true pairs are all pairs of records of the same entity.
 */

export interface PairQuality {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export function pairQuality(predicted: Iterable<readonly [string, string]>, entityOf: ReadonlyMap<string, string>): PairQuality {
  const sizes = new Map<string, number>();
  for (const entity of entityOf.values()) sizes.set(entity, (sizes.get(entity) ?? 0) + 1);
  let truePairs = 0;
  for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2;
  const seen = new Set<string>();
  let correctPairs = 0;
  for (const [a, b] of predicted) {
    const key = pairKey(a, b);
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    const ea = entityOf.get(a);
    if (ea !== undefined && ea === entityOf.get(b)) correctPairs++;
  }
  const precision = seen.size ? correctPairs / seen.size : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  return { truePairs, predictedPairs: seen.size, correctPairs, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Every pair of records within the same cluster: what a user of clusters.csv takes as linked. */
export function* clusterPairs(clusterOf: ReadonlyMap<string, string>): Generator<[string, string]> {
  const members = new Map<string, string[]>();
  for (const [record, cluster] of clusterOf) {
    const list = members.get(cluster);
    if (list) list.push(record); else members.set(cluster, [record]);
  }
  for (const list of members.values()) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) yield [list[i]!, list[j]!];
}
