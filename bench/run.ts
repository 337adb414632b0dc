/**
 * `npm run bench`: run the benchmarks and regenerate bench/RESULTS.md. Every figure is measured
 * in this run, beside its baseline. BENCH_PERSONS sets the city's size (default 1,000,000),
 * BENCH_CYCLE_PERSONS the sizes of the whole-cycle runs (default that and three times that),
 * BENCH_SUITES which suites run (default collect,cycle,api,queue,crosscheck); BENCH_CROSSCHECK_PERSONS the sizes
 * of the cross-check runs (default that and three times that).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { benchApi } from './apiThroughput.js';
import { benchCollectCheck } from './collectCheck.js';
import { benchCycle, cycleMarkdown } from './cycleScale.js';
import { benchQueue } from './queueCycle.js';
import { benchCrossCheck, crossCheckMarkdown } from './crossCheck.js';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const suites = new Set((process.env.BENCH_SUITES ?? 'collect,cycle,api,queue,crosscheck').split(','));
const workDir = process.env.BENCH_WORK_DIR ?? join(PROJECT_ROOT, 'bench', '.work');
mkdirSync(workDir, { recursive: true });

const sections: string[] = [];
if (suites.has('collect')) sections.push((await benchCollectCheck(workDir, persons)).markdown);
if (suites.has('cycle')) {
  const scales = (process.env.BENCH_CYCLE_PERSONS ?? `${persons},${persons * 3}`).split(',').map(Number).filter((n) => n > 0);
  const cycles = [];
  for (const size of scales) cycles.push(await benchCycle(workDir, size));
  sections.push(cycleMarkdown(cycles));
}
if (suites.has('api')) sections.push((await benchApi(workDir, persons)).markdown);
if (suites.has('queue')) sections.push((await benchQueue(workDir, persons)).markdown);
if (suites.has('crosscheck')) {
  const runs = [];
  for (const size of (process.env.BENCH_CROSSCHECK_PERSONS ?? `${persons},${persons * 3}`).split(',').map(Number).filter((n) => n > 0)) runs.push(await benchCrossCheck(workDir, size));
  sections.push(crossCheckMarkdown(runs));
}

const command = [
  persons === 1_000_000 ? '' : `BENCH_PERSONS=${persons} `,
  process.env.BENCH_CYCLE_PERSONS ? `BENCH_CYCLE_PERSONS=${process.env.BENCH_CYCLE_PERSONS} ` : '',
  process.env.BENCH_CROSSCHECK_PERSONS ? `BENCH_CROSSCHECK_PERSONS=${process.env.BENCH_CROSSCHECK_PERSONS} ` : '',
  process.env.BENCH_SUITES ? `BENCH_SUITES=${process.env.BENCH_SUITES} ` : '',
  'npm run bench',
].join('');
const header = [
  '# Benchmark results',
  '',
  `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Each figure is measured in the same run as its baseline; child processes report their own peak resident memory.`,
  '',
];
writeFileSync(join(PROJECT_ROOT, 'bench', 'RESULTS.md'), [...header, sections.join('\n\n'), ''].join('\n'));
process.stdout.write(`${sections.join('\n\n')}\n`);
