/**
 * The whole monthly cycle (collect, check, govern, publish) at city scale: wall time per step,
 * peak memory, and how time grows with the number of persons.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { measureNode, type Measured } from './childProcess.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');

export interface CycleRun {
  persons: number;
  rows: number;
  total: Measured;
  /** Seconds per step, from the cycle's own progress lines. */
  steps: Record<string, number>;
}

/** `[12.3s] govern done` lines give each step's end; a step's time is the gap to the one before. */
export function stepSeconds(stdout: string): Record<string, number> {
  const steps: Record<string, number> = {};
  let previous = 0;
  for (const match of stdout.matchAll(/^\[(\d+(?:\.\d+)?)s\] (\w+) done/gm)) {
    const at = Number(match[1]);
    steps[match[2]!] = at - previous;
    previous = at;
  }
  return steps;
}

export async function ensureCity(workDir: string, persons: number, period: string, seed: number): Promise<{ drop: string; generated?: Measured }> {
  const drop = join(workDir, `city-${persons}-${seed}`, period);
  if (existsSync(join(drop, 'truth.json'))) return { drop };
  mkdirSync(drop, { recursive: true });
  const generated = await measureNode(DX, ['fixtures', '--persons', String(persons), '--seed', String(seed), '--period', period, '--out', drop]);
  return { drop, generated };
}

export async function benchCycle(workDir: string, persons: number, period = '2026-11', seed = 20261101): Promise<CycleRun> {
  const { drop } = await ensureCity(workDir, persons, period, seed);
  const data = join(workDir, `data-${persons}`);
  rmSync(data, { recursive: true, force: true });
  const total = await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', data]);
  const rows = Number(/Checks for \S+: ([0-9,]+) rows read/.exec(total.stdout)?.[1]?.replaceAll(',', '') ?? 0);
  rmSync(data, { recursive: true, force: true });
  return { persons, rows, total, steps: stepSeconds(total.stdout) };
}

/** The budget of the whole cycle at a size: 3 M persons in 5 minutes and 8 GiB; 10 M (and beyond) in 10 minutes and 12 GiB. */
function cycleTarget(persons: number): { seconds: number; memoryGiB: number } {
  return persons >= 10_000_000 ? { seconds: 600, memoryGiB: 12 } : { seconds: 300, memoryGiB: 8 };
}

export function cycleMarkdown(runs: CycleRun[]): string {
  const stepNames = ['collect', 'check', 'govern', 'crosscheck', 'publish'];
  const lines = [
    '## The whole cycle: collect, check, govern, cross-check, publish',
    '',
    `| persons | rows | ${stepNames.join(' s | ')} s | total s | peak memory (MiB) |`,
    `|---:|---:|${stepNames.map(() => '---:|').join('')}---:|---:|`,
    ...runs.map((r) => `| ${r.persons.toLocaleString('en-US')} | ${r.rows.toLocaleString('en-US')} | ${stepNames.map((s) => (r.steps[s] ?? 0).toFixed(1)).join(' | ')} | ${r.total.seconds.toFixed(1)} | ${Math.round(r.total.maxRssMb).toLocaleString('en-US')} |`),
  ];
  if (runs.length >= 2) {
    const [small, large] = [runs[0]!, runs[runs.length - 1]!];
    const size = large.persons / small.persons;
    const growth = (a: number, b: number) => (b / a).toFixed(2);
    lines.push('', `Growth from ${small.persons.toLocaleString('en-US')} to ${large.persons.toLocaleString('en-US')} persons (${size}x): total time ${growth(small.total.seconds, large.total.seconds)}x, govern ${growth(small.steps.govern ?? 1, large.steps.govern ?? 1)}x (linear would be ${size.toFixed(2)}x).`);
    const target = cycleTarget(large.persons);
    const timeGrowth = large.total.seconds / small.total.seconds;
    lines.push('', `Target for ${large.persons.toLocaleString('en-US')} persons: the whole cycle within ${target.seconds / 60} minutes (${large.total.seconds <= target.seconds ? 'met' : 'NOT met'}: ${large.total.seconds.toFixed(0)} s), peak memory under ${target.memoryGiB} GiB (${large.total.maxRssMb < target.memoryGiB * 1024 ? 'met' : 'NOT met'}: ${Math.round(large.total.maxRssMb)} MiB), time growing at most ${(size * 1.2).toFixed(1)}x for ${size}x the persons (${timeGrowth <= size * 1.2 ? 'met' : 'NOT met'}: ${timeGrowth.toFixed(2)}x).`);
  }
  return lines.join('\n');
}
