/** Read what `dx link` wrote, and score it against a ground truth. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPairs, pairQuality, type PairQuality } from '../../src/link/pairQuality.js';

export function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

export interface LinkageQuality {
  pairs: PairQuality;
  clusters: PairQuality;
}

/** Quality of pairs.csv and of clusters.csv in `dir`, the entity of each record given by `entityOf`. */
export function linkageQuality(dir: string, entityOf: (recordId: string) => string): LinkageQuality {
  const clusters = csvRows(join(dir, 'clusters.csv'));
  const entities = new Map(clusters.map((r) => [r.record_id!, entityOf(r.record_id!)]));
  const links = csvRows(join(dir, 'pairs.csv')).map((r) => [r.left_id!, r.right_id!] as const);
  return {
    pairs: pairQuality(links, entities),
    clusters: pairQuality(clusterPairs(new Map(clusters.map((r) => [r.record_id!, r.cluster_id!]))), entities),
  };
}

export function describeQuality(q: PairQuality): string {
  return `precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)}, F1 ${q.f1.toFixed(4)} (${q.correctPairs} of ${q.predictedPairs} predicted pairs true; ${q.truePairs} true pairs)`;
}
