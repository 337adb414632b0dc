/**
 * A worker process: takes the cycle's jobs from the queue and runs the same step functions the
 * in-process cycle runs, recording each attempt in the period's status files. Any number of
 * workers may share one Redis (and one data directory); a worker killed mid-step leaves its
 * job to be taken again once its lock lapses, and every step is safe to run again.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectorSet } from '../connectors/manifest.js';
import { finishRunRecord, readRunRecord, readCycleStatus, updateStepRecord } from '../cycle/cycleStatus.js';
import {
  CYCLE_STEPS, collectStep, collectStepName, describeAttempt, describePublish, notifySubscriber,
  subscribersToNotify, WAREHOUSE_STEPS, type PublishOutcome, type StepInput,
} from '../cycle/cycleSteps.js';
import { trackStep, type ProgressReporter, type StepReport } from '../cycle/trackStep.js';
import { webhookRetryPolicy } from '../notify/retryPolicy.js';
import { config } from '../config.js';
import { listSubscriptions } from '../notify/subscriptions.js';
import type { PublishedPeriod } from '../notify/publicationWebhook.js';
import { cycleJobId, type CycleJobData } from './cycleFlow.js';
import { cycleQueue, cycleQueueName } from './queueConnection.js';
import { releasePeriod } from './enqueueCycle.js';
import { startScheduledCycle, type ScheduledCycleData } from './monthlySchedule.js';
import { WarehouseLease } from './warehouseLease.js';

export interface WorkerOptions {
  dataDir: string;
  set: ConnectorSet;
  redis: Redis;
  log: Logger;
  /** Jobs this process runs at once (two collect batches in parallel by default, as in-process). */
  concurrency?: number;
}

interface DeliveryJobData {
  period: string;
  runId: string;
  subscriptionId: string;
  published: PublishedPeriod;
}

export function startCycleWorker(options: WorkerOptions): Worker {
  const lease = new WarehouseLease(options.dataDir, 1000, (message) => options.log.info(message));
  const queue = cycleQueue(options.dataDir, options.redis);
  const stepInput = (data: CycleJobData): StepInput => ({ dataDir: options.dataDir, set: options.set, period: data.period, source: data.source, runId: data.runId });
  const attemptOf = (job: Job, step: string) => ({
    dataDir: options.dataDir, period: (job.data as CycleJobData).period, step, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1,
  });
  const tracked = <T>(job: Job, step: string, work: (progress: ProgressReporter) => Promise<T>, report: (value: T) => StepReport) =>
    trackStep(attemptOf(job, step), (progress) => work((p) => { progress(p); void job.updateProgress(p); }), report);

  const steps: Record<string, (job: Job) => Promise<unknown>> = {
    collect: async (job) => {
      const data = job.data as CycleJobData;
      const attempt = await tracked(job, collectStepName(data.connectorId!), () => lease.use((w) => collectStep(w, stepInput(data), data.connectorId!)), describeAttempt);
      return { connector: attempt.connector, status: attempt.status, rowsLoaded: attempt.batch?.rowsLoaded ?? 0 };
    },
    // check, govern, crosscheck, publish: the steps table the in-process run runs too.
    ...Object.fromEntries(WAREHOUSE_STEPS.map((step) => [step.name, (job: Job) =>
      tracked(job, step.name, (progress) => lease.use((w) => step.run(w, stepInput(job.data as CycleJobData), progress)), (value) => ({ detail: step.describe(value) }))])),
    notify: async (job) => {
      const data = job.data as CycleJobData;
      const outcome = Object.values(await job.getChildrenValues())[0] as PublishOutcome | undefined;
      const subscribers = await tracked(job, 'notify', async () => {
        const subscribers = subscribersToNotify(stepInput(data), outcome);
        const policy = webhookRetryPolicy();
        // Each subscriber is its own job, retried with backoff, so one unreachable department delays no other.
        await queue.addBulk(subscribers.map((s) => ({
          name: 'deliver',
          data: { period: data.period, runId: data.runId, subscriptionId: s.id, published: (outcome as { published: PublishedPeriod }).published } satisfies DeliveryJobData,
          opts: { jobId: cycleJobId(data, `deliver-${s.id}`), attempts: policy.attempts, backoff: { type: 'exponential', delay: policy.backoffMs }, removeOnComplete: { age: 90 * 86_400 } },
        })));
        return subscribers;
      }, (s) => ({ detail: `${s.length} subscriber(s) to tell` }));
      return { subscribers: subscribers.length, outcome };
    },
    deliver: async (job) => {
      const data = job.data as DeliveryJobData;
      const subscription = listSubscriptions(options.dataDir).find((s) => s.id === data.subscriptionId);
      if (!subscription) return { skipped: 'subscription removed' };
      await notifySubscriber(stepInput({ ...data, source: '' }), subscription, data.published);
      return { delivered: subscription.client };
    },
    start: (job) => startScheduledCycle(options, job.data as ScheduledCycleData, new Date(job.timestamp)),
  };

  const lockDuration = config().DX_JOB_LOCK_MS;
  const worker = new Worker(cycleQueueName(options.dataDir), async (job) => {
    const data = job.data as CycleJobData;
    if (job.name !== 'start' && job.name !== 'deliver' && readRunRecord(options.dataDir, data.period)?.runId !== data.runId) {
      return { skipped: `run ${data.runId} of ${data.period} was replaced by a newer run` };
    }
    const step = steps[job.name];
    if (!step) throw new Error(`unknown job ${job.name}`);
    const value = await step(job);
    // The flow's top job (notify, or the step --until named) ends the run.
    if (!job.parentKey && (CYCLE_STEPS as readonly string[]).includes(job.name)) {
      finishRunRecord(options.dataDir, data.period, data.runId, 'completed', runOutcome(job.name, value));
      await releasePeriod(options.redis, data.period, data.runId);
    }
    return value;
  }, {
    connection: options.redis,
    concurrency: options.concurrency ?? config().DX_WORKER_CONCURRENCY,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    // A worker killed mid-step stalls its job; it is taken again, up to this many times, before it counts as failed.
    maxStalledCount: 5,
  });

  worker.on('failed', (job, error) => {
    if (!job || job.name === 'start') return;
    const data = job.data as CycleJobData;
    if (job.name === 'deliver') {
      options.log.warn({ period: data.period, attempt: job.attemptsMade, err: error.message }, 'webhook delivery failed');
      return;
    }
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return; // it will be retried
    void endFailedRun(options, data, job.name, error.message);
  });
  worker.on('error', (error) => options.log.warn({ err: error.message }, 'worker connection trouble; retrying'));
  worker.on('closed', () => void Promise.all([lease.release(), queue.close()]));
  return worker;
}

/** What a run that ended with `step` came to: its publication, or where it stopped. */
function runOutcome(step: string, value: unknown): string {
  const outcome = step === 'publish' ? value as PublishOutcome : step === 'notify' ? (value as { outcome?: PublishOutcome }).outcome : undefined;
  return outcome ? describePublish(outcome) : `stopped after ${step}`;
}

/** After a step's last attempt: the run failed, later steps never run, the period stays unpublished. */
async function endFailedRun(options: WorkerOptions, data: CycleJobData, step: string, message: string): Promise<void> {
  const stepName = step === 'collect' ? collectStepName(data.connectorId!) : step;
  const status = readCycleStatus(options.dataDir, data.period);
  for (const s of status?.steps ?? []) {
    if (s.state === 'queued') updateStepRecord(options.dataDir, data.period, s.step, { state: 'skipped', detail: `not run: ${stepName} failed` });
  }
  finishRunRecord(options.dataDir, data.period, data.runId, 'failed', `${stepName} failed after its last attempt: ${message}`);
  options.log.error({ period: data.period, step: stepName, err: message }, 'cycle step failed after its last attempt; the period stays unpublished');
  await releasePeriod(options.redis, data.period, data.runId);
}
