/**
 * FEBRL 1, 2 and 3 (test/link/febrl/, see SOURCES.md) deduplicated with the worked config in
 * examples/linkage/, without the social security number, scored against the ground truth in
 * rec_id (records of the same rec-N are the same person). The floors are a little under what
 * the engine reaches (pairs F1 1.000, 0.999, 0.997; clusters 1.000, 1.000, 0.9997), so that a
 * regression fails.
 */
import { join } from 'node:path';
import t from 'tap';
import { loadLinkageConfig } from '../../src/link/linkageConfig.js';
import { runLinkage } from '../../src/link/runLinkage.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { describeQuality, linkageQuality } from '../helpers/linkOutputs.js';
import { tempDir } from '../helpers/warehouse.js';

const FEBRL = join(PROJECT_ROOT, 'test', 'link', 'febrl');
const CONFIG = join(PROJECT_ROOT, 'examples', 'linkage', 'febrl.json');
const person = (recordId: string) => recordId.split('-')[1]!;

const FLOORS = { 1: 0.995, 2: 0.995, 3: 0.99 } as const;

for (const dataset of [1, 2, 3] as const) {
  t.test(`FEBRL dataset ${dataset} deduplicated without soc_sec_id`, async (t) => {
    const out = tempDir(t);
    const config = loadLinkageConfig(CONFIG);
    t.notOk(config.comparisons.some((c) => c.column === 'soc_sec_id'), 'the worked config does not compare the social security number');
    const summary = await runLinkage({ config, files: [join(FEBRL, `febrl_dataset${dataset}.csv`)], outDir: out });
    const quality = linkageQuality(out, person);
    t.comment(`dataset ${dataset} pairs: ${describeQuality(quality.pairs)}`);
    t.comment(`dataset ${dataset} clusters: ${describeQuality(quality.clusters)}`);
    t.ok(quality.pairs.f1 >= FLOORS[dataset], `pairs F1 ${quality.pairs.f1.toFixed(4)} >= ${FLOORS[dataset]}`);
    t.ok(quality.clusters.f1 >= FLOORS[dataset], `clusters F1 ${quality.clusters.f1.toFixed(4)} >= ${FLOORS[dataset]}`);
    t.ok(quality.pairs.precision >= 0.99, `pairs precision ${quality.pairs.precision.toFixed(4)}`);
    t.equal(summary.records[0], dataset === 1 ? 1000 : 5000, 'every record was read');
    t.equal(summary.links, quality.pairs.predictedPairs, 'pairs.csv holds the links');
  });
}
