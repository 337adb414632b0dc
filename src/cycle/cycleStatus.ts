/**
 * A period's cycle as the data directory records it: one file for the run, one per step
 * (a collect step per connector). Both ways of running the cycle (in-process, or jobs on the
 * queue spread over worker processes) write the same files, so `dx status`, the API and the
 * console read one shape whichever ran it. Each file is written whole (temporary file, rename)
 * by whoever runs that step, so writers never contend.
 *
 * It is the one record every view reads (`dx status`, the API's /v1/reports, the console): a failed
 * batch is a failed step and fails the run, a run whose process died holding the period's lock is
 * "interrupted", and a publication (by the cycle or a steward's `dx publish`) is recorded beside the
 * run, so the run's outcome says what was published, and over what.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lockHolder, readJson, writeJsonAtomic } from '../store/fileLock.js';
import { dayOfNextMonth, isPeriod } from '../period.js';

export type StepState = 'queued' | 'running' | 'retrying' | 'completed' | 'failed' | 'skipped';
/** `interrupted`: the process running it died (its lock is free while the record says running). */
export type RunState = 'running' | 'completed' | 'failed' | 'interrupted';

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

/** A period's publication, written by whoever published it (the cycle's publish step or `dx publish`). */
export interface PublicationRecord {
  period: string;
  publishedAt: string;
  publishedBy: string;
  /** Published over blocking findings, with the steward's reason. */
  overridden: boolean;
  /** The reason given, recorded even when none was needed. */
  overrideReason: string | null;
  blocking: string[];
  /** Refusals waived with --force (an empty or shrunken view), and the period a --rollback moved back from. */
  forced: string[];
  rolledBackFrom: string | null;
  populationViewSha256: string;
  legalEntityViewSha256: string;
  snapshotFile: string;
}

export interface CycleStatus {
  run: RunRecord;
  steps: StepRecord[];
  /** The period's latest publication, when there is one (it may predate this run). */
  publication?: PublicationRecord | null;
  /** Connectors whose file has not been loaded, with whether their due date has passed. */
  awaited: { id: string; dueDate?: string; late: boolean; state: StepState | 'unknown'; error?: string }[];
}

export function cyclesDir(dataDir: string): string {
  return join(dataDir, 'cycles');
}

function periodDir(dataDir: string, period: string): string {
  return join(cyclesDir(dataDir), period);
}

/** Held by an in-process run for as long as it runs (src/cycle/runCycle.ts). */
export function cycleLockFile(dataDir: string, period: string): string {
  return join(periodDir(dataDir, period), 'cycle.lock');
}

function publicationFile(dataDir: string, period: string): string {
  return join(periodDir(dataDir, period), 'publication.json');
}

export function writePublicationRecord(dataDir: string, record: PublicationRecord): void {
  writeJsonAtomic(publicationFile(dataDir, record.period), record);
}

export function readPublicationRecord(dataDir: string, period: string): PublicationRecord | undefined {
  return readJson<PublicationRecord>(publicationFile(dataDir, period));
}

export function describePublication(p: PublicationRecord): string {
  const over = p.overridden ? ` over ${p.blocking.length} blocking finding(s), override: ${p.overrideReason}` : '';
  const forced = p.forced.length > 0 ? `; forced: ${p.forced.join('; ')}` : '';
  const rollback = p.rolledBackFrom ? `; rolled back from ${p.rolledBackFrom}` : '';
  return `published by ${p.publishedBy} at ${p.publishedAt}${over}${forced}${rollback}`;
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

/** End a run; one that ran to its end with failed batches failed. */
export function finishRunRecord(dataDir: string, period: string, runId: string, state: RunState, outcome: string): void {
  const run = readRunRecord(dataDir, period);
  if (!run || run.runId !== runId) return; // a newer run owns the period now
  const failed = run.steps.map((s) => readStepRecord(dataDir, period, s)).filter((s) => s?.state === 'failed').map((s) => s!.step);
  const ended = state === 'completed' && failed.length > 0
    ? { state: 'failed' as const, outcome: `${failed.length} step(s) failed (${failed.join(', ')}); ${outcome}` }
    : { state, outcome };
  writeJsonAtomic(join(periodDir(dataDir, period), 'run.json'), { ...run, ...ended, endedAt: new Date().toISOString() });
}

/** A run the record says is running, whose process is gone: in-process runs hold the period's lock. */
function interrupted(dataDir: string, run: RunRecord): boolean {
  return run.state === 'running' && run.mode === 'in-process' && lockHolder(cycleLockFile(dataDir, run.period)) === undefined;
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
  return dueDay ? dayOfNextMonth(period, dueDay) : undefined;
}

export function periodsWithStatus(dataDir: string): string[] {
  const dir = cyclesDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((p) => isPeriod(p) && existsSync(join(dir, p, 'run.json'))).sort();
}

export function readCycleStatus(dataDir: string, period: string, today = new Date().toISOString().slice(0, 10)): CycleStatus | undefined {
  const recorded = readRunRecord(dataDir, period);
  if (!recorded) return undefined;
  const publication = readPublicationRecord(dataDir, period) ?? null;
  const run = runAsItStands(dataDir, recorded, publication);
  const dir = join(periodDir(dataDir, period), 'steps');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const byName = new Map(files.map((f) => readJson<StepRecord>(join(dir, f))).filter((r): r is StepRecord => !!r).map((r) => [r.step, r]));
  const steps = run.steps.map((s) => byName.get(s) ?? { step: s, state: 'queued' as const, attempts: 0, maxAttempts: 1, updatedAt: run.startedAt });
  const awaited = run.connectors.flatMap((c) => {
    const record = byName.get(`collect:${c.id}`);
    if (record?.state === 'completed' && !record.error) return [];
    return [{ id: c.id, dueDate: c.dueDate, late: !!c.dueDate && today > c.dueDate, state: record?.state ?? 'unknown' as const, error: record?.error }];
  });
  return { run, steps: run.state === 'interrupted' ? steps.map(interruptedStep) : steps, publication, awaited };
}

/**
 * The run with what happened after it was written: interrupted when its process died, and published
 * when a steward published the period after the run ended (or while the run says nothing of it).
 */
function runAsItStands(dataDir: string, run: RunRecord, publication: PublicationRecord | null): RunRecord {
  if (interrupted(dataDir, run)) return { ...run, state: 'interrupted', outcome: 'interrupted: the process running it stopped (killed or crashed); run the cycle again' };
  // A publication during the run is the run's own outcome already; one after it ended (a steward's) is news.
  if (publication && run.endedAt && publication.publishedAt > run.endedAt) return { ...run, outcome: describePublication(publication) };
  return run;
}

/** A step an interrupted run left running never finishes. */
function interruptedStep(step: StepRecord): StepRecord {
  return step.state === 'running' || step.state === 'retrying' ? { ...step, state: 'failed', error: 'interrupted' } : step;
}
