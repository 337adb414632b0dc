/**
 * A period's cycle as the data directory records it: one file for the run, one per step
 * (a collect step per connector). Both ways of running the cycle (in-process, or jobs on the
 * queue spread over worker processes) write the same files, so `dx status`, the API and the
 * console read one shape whichever ran it. Each file is written whole (temporary file, rename)
 * by whoever runs that step, so writers never contend.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../store/fileLock.js';

export type StepState = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'skipped';
export type RunState = 'running' | 'completed' | 'failed';

export interface StepProgress {
  done: number;
  total: number;
  unit: string;
}

export interface StepRecord {
  /** 'collect:<connector>' for collect steps, else the step's name. */
  step: string;
  state: StepState;
  attempts: number;
  maxAttempts: number;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  progress?: StepProgress;
  detail?: string;
  error?: string;
  updatedAt: string;
}

export interface ExpectedConnector {
  id: string;
  /** YYYY-MM-DD by which the period's file is due (the month after the period). */
  dueDate?: string;
}

export interface RunRecord {
  period: string;
  runId: string;
  mode: 'in-process' | 'queue';
  source: string;
  state: RunState;
  startedAt: string;
  endedAt?: string;
  /** Published, held back by blocking findings, or why the run failed. */
  outcome?: string;
  connectors: ExpectedConnector[];
  steps: string[];
}

export interface CycleStatus {
  run: RunRecord;
  steps: StepRecord[];
  /** Connectors whose file has not been loaded, with whether their due date has passed. */
  awaited: { id: string; dueDate?: string; late: boolean; state: StepState | 'unknown'; error?: string }[];
}

export function cyclesDir(dataDir: string): string {
  return join(dataDir, 'cycles');
}

function periodDir(dataDir: string, period: string): string {
  return join(cyclesDir(dataDir), period);
}

function stepFile(dataDir: string, period: string, step: string): string {
  return join(periodDir(dataDir, period), 'steps', `${step.replace(/[^a-z0-9-]+/gi, '_')}.json`);
}

/** A new run replaces the previous run's records of the period. */
export function startRunRecord(dataDir: string, run: RunRecord): void {
  rmSync(join(periodDir(dataDir, run.period), 'steps'), { recursive: true, force: true });
  writeJsonAtomic(join(periodDir(dataDir, run.period), 'run.json'), run);
  const now = new Date().toISOString();
  for (const step of run.steps) writeStepRecord(dataDir, run.period, { step, state: 'queued', attempts: 0, maxAttempts: 1, updatedAt: now });
}

export function readRunRecord(dataDir: string, period: string): RunRecord | undefined {
  return readJson<RunRecord>(join(periodDir(dataDir, period), 'run.json'));
}

export function finishRunRecord(dataDir: string, period: string, runId: string, state: RunState, outcome: string): void {
  const run = readRunRecord(dataDir, period);
  if (!run || run.runId !== runId) return; // a newer run owns the period now
  writeJsonAtomic(join(periodDir(dataDir, period), 'run.json'), { ...run, state, outcome, endedAt: new Date().toISOString() });
}

export function readStepRecord(dataDir: string, period: string, step: string): StepRecord | undefined {
  return readJson<StepRecord>(stepFile(dataDir, period, step));
}

export function writeStepRecord(dataDir: string, period: string, record: StepRecord): void {
  writeJsonAtomic(stepFile(dataDir, period, record.step), record);
}

export function updateStepRecord(dataDir: string, period: string, step: string, change: Partial<StepRecord>): StepRecord {
  const previous = readStepRecord(dataDir, period, step) ?? { step, state: 'queued' as const, attempts: 0, maxAttempts: 1, updatedAt: '' };
  const record = { ...previous, ...change, updatedAt: new Date().toISOString() };
  writeStepRecord(dataDir, period, record);
  return record;
}

/** Due date of a period's file: the given day of the month after the period. */
export function dueDateOf(period: string, dueDay: number | undefined): string | undefined {
  if (!dueDay) return undefined;
  const [year, month] = period.split('-').map(Number) as [number, number];
  const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
  return `${next.y}-${String(next.m).padStart(2, '0')}-${String(dueDay).padStart(2, '0')}`;
}

export function periodsWithStatus(dataDir: string): string[] {
  const dir = cyclesDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((p) => /^\d{4}-\d{2}$/.test(p) && existsSync(join(dir, p, 'run.json'))).sort();
}

export function readCycleStatus(dataDir: string, period: string, today = new Date().toISOString().slice(0, 10)): CycleStatus | undefined {
  const run = readRunRecord(dataDir, period);
  if (!run) return undefined;
  const dir = join(periodDir(dataDir, period), 'steps');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const byName = new Map(files.map((f) => readJson<StepRecord>(join(dir, f))).filter((r): r is StepRecord => !!r).map((r) => [r.step, r]));
  const steps = run.steps.map((s) => byName.get(s) ?? { step: s, state: 'queued' as const, attempts: 0, maxAttempts: 1, updatedAt: run.startedAt });
  const awaited = run.connectors.flatMap((c) => {
    const record = byName.get(`collect:${c.id}`);
    if (record?.state === 'completed' && !record.error) return [];
    return [{ id: c.id, dueDate: c.dueDate, late: !!c.dueDate && today > c.dueDate, state: record?.state ?? 'unknown' as const, error: record?.error }];
  });
  return { run, steps, awaited };
}
