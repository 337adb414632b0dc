/**
 * The cross-checks at city scale: `dx crosscheck` on a governed period (every rule, findings
 * stored and exported, cases opened), then the pre-payment check of the month's whole pension
 * payment file against the published snapshot. The cycle that prepares the data is not timed.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { measureNode, type Measured } from './childProcess.js';
import { ensureCity } from './cycleScale.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');

export interface CrossCheckRun {
  persons: number;
  findings: number;
  cases: number;
  crossCheck: Measured;
  payments: number;
  held: number;
  paymentCheck: Measured;
}

export async function benchCrossCheck(workDir: string, persons: number, period = '2026-11', seed = 20261101): Promise<CrossCheckRun> {
  const { drop } = await ensureCity(workDir, persons, period, seed);
  const data = join(workDir, `crosscheck-data-${persons}`);
  rmSync(data, { recursive: true, force: true });
  await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', data, '--until', 'govern']);
  await measureNode(DX, ['publish', '--period', period, '--data', data, '--override-reason', 'benchmark: generated faults']);
  const crossCheck = await measureNode(DX, ['crosscheck', '--period', period, '--data', data]);
  const [, findings, cases] = /: (\d+) finding\(s\) from \d+ rules; (\d+) new case/.exec(crossCheck.stdout) ?? [];
  const paymentsDir = join(drop, 'social-security');
  const file = join(paymentsDir, readdirSync(paymentsDir).find((f) => f.startsWith('养老金发放明细'))!);
  const paymentCheck = await measureNode(DX, ['check', 'payments', file, '--data', data, '--format', 'json']);
  const result = JSON.parse(paymentCheck.stdout) as { rows: number; held: unknown[] };
  rmSync(data, { recursive: true, force: true });
  return { persons, findings: Number(findings), cases: Number(cases), crossCheck, payments: result.rows, held: result.held.length, paymentCheck };
}

export function crossCheckMarkdown(runs: CrossCheckRun[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    '## Cross-checks: every rule, and the pre-payment check',
    '',
    '`dx crosscheck` on a governed period (12 rules over the governed layer, findings stored and exported, a case opened for each new finding), then `dx check payments` on the month\'s whole pension payment file against the published snapshot. Each in its own process, from start to exit.',
    '',
    '| persons | findings | cases opened | cross-check s | peak memory (MiB) | payments checked | held | pre-payment check s | peak memory (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${n(r.persons)} | ${n(r.findings)} | ${n(r.cases)} | ${r.crossCheck.seconds.toFixed(1)} | ${n(Math.round(r.crossCheck.maxRssMb))} | ${n(r.payments)} | ${n(r.held)} | ${r.paymentCheck.seconds.toFixed(1)} | ${n(Math.round(r.paymentCheck.maxRssMb))} |`),
  ].join('\n');
}
