/** Run one step of a period's cycle and record what happened to it: start, end, retries, error. */
import { updateStepRecord, type StepProgress } from './cycleStatus.js';

export interface StepAttempt {
  dataDir: string;
  period: string;
  step: string;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
}

export interface StepReport {
  detail: string;
  /** Set when the step finished but its data did not arrive whole (a failed or missing batch). */
  error?: string;
  /** The step's own verdict when it ran to its end without throwing: a failed batch is a failed step. */
  state?: 'completed' | 'failed' | 'skipped';
}

export type ProgressReporter = (progress: StepProgress) => void;

/** `work` is given a reporter that records its progress (files, batches, rules) as it goes. */
export async function trackStep<T>(at: StepAttempt, work: (progress: ProgressReporter) => Promise<T>, report: (value: T) => StepReport): Promise<T> {
  const started = Date.now();
  updateStepRecord(at.dataDir, at.period, at.step, {
    state: 'running', attempts: at.attempt, maxAttempts: at.maxAttempts,
    startedAt: new Date(started).toISOString(), endedAt: undefined, durationMs: undefined, error: undefined,
  });
  try {
    const value = await work((progress) => { updateStepRecord(at.dataDir, at.period, at.step, { progress }); });
    const { detail, error, state } = report(value);
    updateStepRecord(at.dataDir, at.period, at.step, {
      state: state ?? 'completed', endedAt: new Date().toISOString(), durationMs: Date.now() - started, detail, error,
      progress: undefined,
    });
    return value;
  } catch (error) {
    updateStepRecord(at.dataDir, at.period, at.step, {
      state: at.attempt < at.maxAttempts ? 'retrying' : 'failed',
      endedAt: new Date().toISOString(), durationMs: Date.now() - started, error: (error as Error).message,
    });
    throw error;
  }
}
