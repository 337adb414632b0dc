/**
 * `npm run bench`: run the benchmarks and regenerate bench/RESULTS.md. Every figure is measured
 * in this run, beside its baseline. BENCH_PERSONS sets the city's size (default 1,000,000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { benchCollectCheck } from './collectCheck.js';
import { benchCycle, cycleMarkdown } from './cycleScale.js';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const workDir = process.env.BENCH_WORK_DIR ?? join(PROJECT_ROOT, 'bench', '.work');
mkdirSync(workDir, { recursive: true });

const collect = await benchCollectCheck(workDir, persons);
const scales = (process.env.BENCH_CYCLE_PERSONS ?? `${persons},${persons * 3}`).split(',').map(Number).filter((n) => n > 0);
const cycles = [];
for (const size of scales) cycles.push(await benchCycle(workDir, size));
const cycle = cycleMarkdown(cycles);
const header = [
  '# Benchmark results',
  '',
  `Produced by \`${persons === 1_000_000 ? '' : `BENCH_PERSONS=${persons} `}npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Each figure is measured in the same run as its baseline; child processes report their own peak resident memory.`,
  '',
];
writeFileSync(join(PROJECT_ROOT, 'bench', 'RESULTS.md'), [...header, collect.markdown, '', cycle, ''].join('\n'));
process.stdout.write(`${collect.markdown}\n\n${cycle}\n`);
