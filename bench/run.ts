/**
 * `npm run bench`: run the benchmarks and regenerate bench/RESULTS.md. Every figure is measured
 * in this run, beside its baseline. BENCH_PERSONS sets the city's size (default 1,000,000),
 * BENCH_CYCLE_PERSONS the sizes of the whole-cycle runs (default that and three times that),
 * BENCH_CROSSCHECK_PERSONS the sizes of the cross-check runs (the same default), BENCH_SUITES
 * which suites run (default all but the opt-in ones: collect,cycle,api,serving,queue,partitions,crosscheck;
 * `link` runs when named, deduplicating BENCH_LINK_RECORDS records, default 1,000,000; `audit`, the
 * access log over a large audit trail, runs when named, with BENCH_AUDIT_RECORDS its sizes),
 * BENCH_PARTITION_PERSONS the size of each partition of the partitioned cycle (default 200,000).
 *
 * Each suite's section is kept in bench/results/<suite>.md with the command and date that
 * produced it, and RESULTS.md is assembled from all of them: running one suite again replaces
 * its own section and leaves the others as they were measured.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { benchApi } from './apiThroughput.js';
import { benchCollectCheck } from './collectCheck.js';
import { benchCycle, cycleMarkdown } from './cycleScale.js';
import { benchQueue } from './queueCycle.js';
import { benchCrossCheck, crossCheckMarkdown } from './crossCheck.js';
import { benchServing } from './servingMemory.js';
import { benchPartitions } from './partitionCycle.js';
import { benchLinkage } from './linkage.js';
import { benchAuditIndex } from './auditIndex.js';

const SUITES = ['collect', 'cycle', 'api', 'serving', 'queue', 'partitions', 'crosscheck', 'link', 'audit'] as const;
type Suite = (typeof SUITES)[number];
/** Opt-in suites run only when BENCH_SUITES names them. */
const OPT_IN: readonly Suite[] = ['link', 'audit'];

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const suites = new Set((process.env.BENCH_SUITES ?? SUITES.filter((s) => !OPT_IN.includes(s)).join(',')).split(','));
const workDir = process.env.BENCH_WORK_DIR ?? join(PROJECT_ROOT, 'bench', '.work');
const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
mkdirSync(workDir, { recursive: true });
mkdirSync(resultsDir, { recursive: true });

const sizes = (variable: string) => (process.env[variable] ?? `${persons},${persons * 3}`).split(',').map(Number).filter((n) => n > 0);

const run: Record<Suite, () => Promise<string>> = {
  collect: async () => (await benchCollectCheck(workDir, persons)).markdown,
  cycle: async () => {
    const cycles = [];
    for (const size of sizes('BENCH_CYCLE_PERSONS')) cycles.push(await benchCycle(workDir, size));
    return cycleMarkdown(cycles);
  },
  api: async () => (await benchApi(workDir, persons)).markdown,
  serving: async () => (await benchServing(workDir, persons)).markdown,
  queue: async () => (await benchQueue(workDir, persons)).markdown,
  partitions: async () => (await benchPartitions(workDir, Number(process.env.BENCH_PARTITION_PERSONS ?? 200_000))).markdown,
  crosscheck: async () => {
    const runs = [];
    for (const size of sizes('BENCH_CROSSCHECK_PERSONS')) runs.push(await benchCrossCheck(workDir, size));
    return crossCheckMarkdown(runs);
  },
  link: async () => (await benchLinkage(workDir, Number(process.env.BENCH_LINK_RECORDS ?? 1_000_000))).markdown,
  audit: async () => (await benchAuditIndex(workDir, (process.env.BENCH_AUDIT_RECORDS ?? '100000,1000000').split(',').map(Number).filter((n) => n > 0))).markdown,
};

function commandFor(suite: Suite): string {
  const sizeVariable = suite === 'cycle' ? 'BENCH_CYCLE_PERSONS' : suite === 'crosscheck' ? 'BENCH_CROSSCHECK_PERSONS' : suite === 'partitions' ? 'BENCH_PARTITION_PERSONS' : suite === 'link' ? 'BENCH_LINK_RECORDS' : suite === 'audit' ? 'BENCH_AUDIT_RECORDS' : undefined;
  return [
    persons === 1_000_000 ? '' : `BENCH_PERSONS=${persons} `,
    sizeVariable && process.env[sizeVariable] ? `${sizeVariable}=${process.env[sizeVariable]} ` : '',
    `BENCH_SUITES=${suite} npm run bench`,
  ].join('');
}

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const suite of SUITES) {
  if (!suites.has(suite)) continue;
  const markdown = await run[suite]();
  const produced = `_Produced by \`${commandFor(suite)}\` on ${new Date().toISOString().slice(0, 10)}, ${machine}._`;
  writeFileSync(join(resultsDir, `${suite}.md`), `${markdown}\n\n${produced}\n`);
  process.stdout.write(`${markdown}\n\n`);
}

const sections = SUITES.map((s) => join(resultsDir, `${s}.md`)).filter(existsSync).map((f) => readFileSync(f, 'utf8').trimEnd());
writeFileSync(join(PROJECT_ROOT, 'bench', 'RESULTS.md'), [
  '# Benchmark results',
  '',
  '`npm run bench` runs every suite; `BENCH_SUITES=<suite> npm run bench` runs one and replaces only its section. Each figure is measured in the same run as its baseline; child processes report their own peak resident memory.',
  '',
  sections.join('\n\n'),
  '',
].join('\n'));
