/**
 * Record linkage at scale: `dx link` deduplicating N generated Chinese person records
 * (BENCH_LINK_RECORDS, default 1,000,000; target ≤ 2 minutes on 2 cores), and linking
 * 5,000 × 5,000, each beside its baseline measured in the same run: an exact join of the same
 * files on the columns of the same blocking rules. Both run as child processes; peak memory
 * is each child's own. The records come from the linkage test's generator, seeded.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { linkTestCsv, linkTestRecords, type LinkTestRecord } from '../test/helpers/linkRecords.js';
import { measureNode, type Measured } from './childProcess.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');
const BASELINE = join(PROJECT_ROOT, 'dist', 'bench', 'linkBaseline.js');
const CONFIG = join(PROJECT_ROOT, 'examples', 'linkage', 'persons-zh.json');

export interface LinkBenchRun {
  label: string;
  records: string;
  link: Measured;
  baseline: Measured;
  summary: string;
  baselinePairs: number;
  /** The machine's one-minute load average when the run started: on a shared machine wall time is not CPU time. */
  load: number;
}

/** About 4.2 records per generated household (2.5 persons, 1.7 records each). */
function recordsFor(n: number, seed: number): LinkTestRecord[] {
  return linkTestRecords(seed, Math.ceil(n / 4.0)).slice(0, n);
}

async function measurePair(label: string, records: string, files: string[], out: string): Promise<LinkBenchRun> {
  const load = loadavg()[0]!;
  const baseline = await measureNode(BASELINE, [CONFIG, ...files]);
  const link = await measureNode(DX, ['link', '--config', CONFIG, '--out', out, '--quiet', ...files]);
  return { label, records, link, baseline, summary: link.stdout.split('\n')[0] ?? '', baselinePairs: Number(baseline.stdout.trim()), load };
}

export async function benchLinkage(workDir: string, dedupeRecords: number, seed = 20261204): Promise<{ runs: LinkBenchRun[]; markdown: string }> {
  const dir = join(workDir, 'linkage');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const runs: LinkBenchRun[] = [];

  const dedupeFile = join(dir, `persons-${dedupeRecords}.csv`);
  writeFileSync(dedupeFile, linkTestCsv(recordsFor(dedupeRecords, seed)));
  runs.push(await measurePair('deduplicate', dedupeRecords.toLocaleString('en'), [dedupeFile], join(dir, 'dedupe-out')));

  // Two departments' files on 5,000 persons each: a person's first record in one, a later record (where there is one) in the other.
  const all = linkTestRecords(seed + 1, 4000).sort((a, b) => a.person - b.person || a.record_id.localeCompare(b.record_id));
  const persons = [...new Set(all.map((r) => r.person))];
  const inA = new Set(persons.slice(0, 5000));
  const left = all.filter((r) => inA.has(r.person) && r.record_id.endsWith('r0'));
  const right = [...all.filter((r) => inA.has(r.person) && r.record_id.endsWith('r1')), ...all.filter((r) => !inA.has(r.person) && r.record_id.endsWith('r0'))].slice(0, 5000);
  writeFileSync(join(dir, 'left.csv'), linkTestCsv(left));
  writeFileSync(join(dir, 'right.csv'), linkTestCsv(right));
  runs.push(await measurePair('link across', `${left.length.toLocaleString('en')} × ${right.length.toLocaleString('en')}`, [join(dir, 'left.csv'), join(dir, 'right.csv')], join(dir, 'link-out')));
  const clusters = readFileSync(join(dir, 'link-out', 'clusters.csv'), 'utf8').split('\n').length - 2;

  const row = (r: LinkBenchRun) => `| ${r.label} | ${r.records} | ${r.link.seconds.toFixed(1)} s | ${r.link.cpuSeconds.toFixed(1)} s | ${Math.round(r.link.maxRssMb)} MB | ${r.baseline.seconds.toFixed(1)} s (${r.baselinePairs.toLocaleString('en')} pairs) | ${Math.round(r.baseline.maxRssMb)} MB | ${(r.link.seconds / r.baseline.seconds).toFixed(1)}× |`;
  const markdown = [
    '## Record linkage (`dx link`)',
    '',
    `Generated Chinese person records (test/helpers/linkRecords.ts, seeded), config \`examples/linkage/persons-zh.json\`. Baseline: the same files joined exactly on the columns of the same blocking rules in DuckDB, no comparisons. Targets: 1,000,000 records deduplicated in ≤ 120 s on 2 cores; 5,000 × 5,000 linked in ≤ 10 s.`,
    '',
    '| run | records | dx link wall | CPU | peak RSS | baseline wall | baseline RSS | dx / baseline |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map(row),
    '',
    ...runs.map((r) => `- ${r.label}: ${r.summary} Load average ${r.load.toFixed(1)} when it started (${cpus().length} cores): wall time beyond CPU time is waiting for a core.`),
    `- link across: ${clusters.toLocaleString('en')} records clustered.`,
  ].join('\n');
  return { runs, markdown };
}
