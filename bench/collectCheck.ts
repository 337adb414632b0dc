/**
 * Collect + check on a generated city against DuckDB's own readers of the same files, in the
 * same run: wall time, rows per second, peak memory, and the ratio. Each is run BENCH_REPEAT
 * times (default 3), alternating, and the medians compared: on a shared 2-core VM one run
 * of either can be 20% off.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { measureNode, type Measured } from './childProcess.js';
import { ensureCity } from './cycleScale.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');
const BASELINE = join(PROJECT_ROOT, 'dist', 'bench', 'baselineReadCsv.js');

export interface CollectCheckResult {
  persons: number;
  rows: number;
  generate?: Measured;
  baseline: Measured;
  cycle: Measured;
  markdown: string;
}

/** The run with the median wall time. */
function median(runs: Measured[]): Measured {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
}

const mb = (m: Measured) => Math.round(m.maxRssMb).toLocaleString('en-US');
const secs = (m: Measured) => m.seconds.toFixed(1);
const perSecond = (rows: number, m: Measured) => Math.round(rows / m.seconds).toLocaleString('en-US');

export async function benchCollectCheck(workDir: string, persons: number, period = '2026-11', seed = 20261101): Promise<CollectCheckResult> {
  const { drop, generated: generate } = await ensureCity(workDir, persons, period, seed);
  const baselineDb = join(workDir, 'baseline.duckdb');
  const data = join(workDir, 'data');
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const baselines: Measured[] = [];
  const cycles: Measured[] = [];
  for (let i = 0; i < repeat; i++) {
    rmSync(baselineDb, { force: true });
    baselines.push(await measureNode(BASELINE, [period, drop, baselineDb]));
    rmSync(baselineDb, { force: true });
    rmSync(data, { recursive: true, force: true });
    cycles.push(await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', data, '--until', 'check', '--quiet']));
    rmSync(data, { recursive: true, force: true });
  }
  const baseline = median(baselines);
  const cycle = median(cycles);
  const rows = (JSON.parse(baseline.stdout) as { rows: number }).rows;
  const ratio = cycle.seconds / baseline.seconds;
  const markdown = [
    `## Collect + check: ${persons.toLocaleString('en-US')} persons, ${rows.toLocaleString('en-US')} rows in 14 department files`,
    '',
    '| run | seconds | rows/s | peak memory (MiB) | CPU seconds |',
    '|---|---:|---:|---:|---:|',
    `| baseline: DuckDB \`read_csv\` / \`read_ndjson_objects\` / \`read_parquet\` of the same files into an on-disk table | ${secs(baseline)} | ${perSecond(rows, baseline)} | ${mb(baseline)} | ${baseline.cpuSeconds.toFixed(1)} |`,
    `| \`dx cycle --until check\`: decode, stage, read, parse, quarantine, lineage, commit, all rules | ${secs(cycle)} | ${perSecond(rows, cycle)} | ${mb(cycle)} | ${cycle.cpuSeconds.toFixed(1)} |`,
    '',
    `**Ratio: ${ratio.toFixed(2)}x the bare read** (target: within 3x), medians of ${repeat} alternating runs of each (baseline ${baselines.map(secs).join(', ')} s; cycle ${cycles.map(secs).join(', ')} s). Peak memory of the cycle: ${mb(cycle)} MiB (target: under 4 GiB).`,
    ...(generate ? ['', `Generating the city (\`dx fixtures --persons ${persons}\`) took ${secs(generate)} s, peak memory ${mb(generate)} MiB.`] : []),
  ].join('\n');
  return { persons, rows, generate, baseline, cycle, markdown };
}
