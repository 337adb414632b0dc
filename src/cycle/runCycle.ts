/**
 * The monthly cycle, in-process: collect every department's files, check them, govern them
 * into the views, publish, notify subscribers. The steps are those the queue's workers run
 * (cycleSteps.ts), recorded in the same status files, so `dx status` reads either kind of run.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectorSet } from '../connectors/manifest.js';
import { assertPeriod, assertSourceFolder, collectPeriod, type CollectOutcome } from '../collect/collectPeriod.js';
import type { GovernResult } from '../govern/runGovern.js';
import type { CrossCheckResult } from '../crosscheck/crossCheckPeriod.js';
import { tryLock } from '../store/fileLock.js';
import type { Warehouse } from '../store/warehouse.js';
import { withRetries, webhookRetryPolicy } from '../notify/retryPolicy.js';
import { cycleLockFile, dueDateOf, finishRunRecord, startRunRecord, updateStepRecord } from './cycleStatus.js';
import {
  CYCLE_STEPS, collectStepName, connectorIdsOf, describeAttempt, describePublish, notifySubscriber,
  runStepNames, subscribersToNotify, WAREHOUSE_STEPS, type CycleStep, type PublishOutcome, type StepInput,
} from './cycleSteps.js';
import { trackStep, type ProgressReporter } from './trackStep.js';

export { CYCLE_STEPS, type CycleStep } from './cycleSteps.js';

export interface CycleOptions {
  period: string;
  source: string;
  until?: CycleStep;
  /** Told when a step starts and ends, for progress output. */
  onStep?: (step: CycleStep, phase: 'start' | 'end', detail?: string) => void;
}

export interface CycleResult {
  period: string;
  runId: string;
  steps: CycleStep[];
  collect: CollectOutcome;
  govern?: GovernResult;
  crosscheck?: CrossCheckResult;
  /** Set when the publish step ran: the publication, or why it was refused. */
  publication?: PublishOutcome;
  /** Subscribers told of the publication, and those that could not be reached. */
  notified?: { delivered: string[]; failed: string[] };
}

export class CycleAlreadyRunningError extends Error {}

export { connectorIdsOf } from './cycleSteps.js';

export function expectedConnectors(set: ConnectorSet, period: string): { id: string; dueDate?: string }[] {
  return [
    ...set.connectors.map((c) => ({ id: c.id, dueDate: dueDateOf(period, c.dueDay) })),
    ...set.broken.map((b) => ({ id: b.id })),
  ];
}

function lockPeriod(dataDir: string, period: string): () => void {
  const lock = tryLock(cycleLockFile(dataDir, period));
  if (typeof lock === 'function') return lock;
  throw new CycleAlreadyRunningError(`a cycle for ${period} is already running (process ${lock.heldBy}); wait for it, or follow it with dx status --period ${period}`);
}

export async function runCycle(warehouse: Warehouse, set: ConnectorSet, options: CycleOptions): Promise<CycleResult> {
  const until = options.until ?? CYCLE_STEPS[CYCLE_STEPS.length - 1]!;
  const steps = CYCLE_STEPS.slice(0, CYCLE_STEPS.indexOf(until) + 1);
  const dataDir = warehouse.dataDir;
  assertPeriod(options.period);
  assertSourceFolder(options.source, options.period);
  const release = lockPeriod(dataDir, options.period);
  const input: StepInput = { dataDir, set, period: options.period, source: options.source, runId: randomUUID() };
  const ids = connectorIdsOf(set);
  startRunRecord(dataDir, {
    period: options.period, runId: input.runId, mode: 'in-process', source: options.source, state: 'running',
    startedAt: new Date().toISOString(), connectors: expectedConnectors(set, options.period), steps: runStepNames(ids, until),
  });
  try {
    const result = await runSteps(warehouse, input, steps, options);
    const outcome = !result.publication ? `stopped after ${until}` : describePublish(result.publication);
    finishRunRecord(dataDir, options.period, input.runId, 'completed', outcome);
    return result;
  } catch (error) {
    finishRunRecord(dataDir, options.period, input.runId, 'failed', (error as Error).message);
    throw error;
  } finally {
    release();
  }
}

async function runSteps(warehouse: Warehouse, input: StepInput, steps: CycleStep[], options: CycleOptions): Promise<CycleResult> {
  const { dataDir, period } = input;
  const tracked = <T>(step: CycleStep, work: (progress: ProgressReporter) => Promise<T>, report: (value: T) => string) => {
    options.onStep?.(step, 'start');
    return trackStep({ dataDir, period, step, attempt: 1, maxAttempts: 1 }, work, (value) => {
      const detail = report(value);
      options.onStep?.(step, 'end', detail);
      return { detail };
    });
  };
  options.onStep?.('collect', 'start');
  const started = new Map<string, number>();
  const collect = await collectPeriod(warehouse, input.set, period, input.source, {
    runId: input.runId,
    onConnector: (id, attempt) => {
      const step = collectStepName(id);
      if (!attempt) {
        started.set(id, Date.now());
        updateStepRecord(dataDir, period, step, { state: 'running', attempts: 1, startedAt: new Date().toISOString() });
        return;
      }
      updateStepRecord(dataDir, period, step, { endedAt: new Date().toISOString(), durationMs: Date.now() - started.get(id)!, ...describeAttempt(attempt) });
    },
  });
  const loaded = collect.attempts.filter((a) => a.status === 'loaded').length;
  options.onStep?.('collect', 'end', `${loaded} of ${collect.attempts.length} batches loaded`);
  const values: Record<string, unknown> = {};
  for (const step of WAREHOUSE_STEPS.filter((s) => steps.includes(s.name))) {
    values[step.name] = await tracked(step.name, (progress) => step.run(warehouse, input, progress), step.describe);
  }
  const result: CycleResult = {
    period, runId: input.runId, steps, collect,
    govern: values.govern as GovernResult | undefined, crosscheck: values.crosscheck as CrossCheckResult | undefined, publication: values.publish as PublishOutcome | undefined,
  };
  if (steps.includes('notify')) {
    result.notified = await tracked('notify', () => notifyAll(input, result.publication), (n) => `${n.delivered.length} subscriber(s) told, ${n.failed.length} unreachable`);
  }
  return result;
}

/** In-process, each subscriber is retried with the same backoff the queue would use. */
async function notifyAll(input: StepInput, outcome: PublishOutcome | undefined): Promise<{ delivered: string[]; failed: string[] }> {
  const subscribers = subscribersToNotify(input, outcome);
  const delivered: string[] = [];
  const failed: string[] = [];
  await Promise.all(subscribers.map(async (subscription) => {
    try {
      await withRetries(webhookRetryPolicy(), () => notifySubscriber(input, subscription, (outcome as { published: Parameters<typeof notifySubscriber>[2] }).published));
      delivered.push(subscription.client);
    } catch {
      failed.push(subscription.client);
    }
  }));
  return { delivered, failed };
}
