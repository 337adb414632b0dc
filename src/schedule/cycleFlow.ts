/**
 * A period's cycle as a BullMQ flow: a job is processed only when its children are done, so
 * the tree reads bottom-up: one collect job per connector (in parallel), then check, govern,
 * publish, notify. A child that fails its last attempt fails its parents, so nothing after a
 * failed step runs and the period stays unpublished.
 */
import type { FlowJob, JobsOptions } from 'bullmq';
import { CYCLE_STEPS, collectStepName, retryPolicyOf, type CycleStep } from '../cycle/cycleSteps.js';

export interface CycleJobData {
  period: string;
  runId: string;
  source: string;
  connectorId?: string;
}

const DAY_SECONDS = 86_400;

/** Deterministic, so a retried enqueue adds nothing twice (BullMQ ids may not hold ':'). */
export function cycleJobId(data: CycleJobData, step: string): string {
  return `${data.period}_${data.runId}_${step.replace(/[^a-zA-Z0-9-]+/g, '.')}`;
}

export function stepJobOptions(data: CycleJobData, step: string): JobsOptions {
  const policy = retryPolicyOf(step.startsWith('collect:') ? 'collect' : step);
  return {
    jobId: cycleJobId(data, step),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    failParentOnFailure: true,
    removeOnComplete: { age: 90 * DAY_SECONDS },
    removeOnFail: { age: 180 * DAY_SECONDS },
  };
}

export function cycleFlow(queueName: string, data: Omit<CycleJobData, 'connectorId'>, connectorIds: string[], until: CycleStep = 'notify'): FlowJob {
  const collects: FlowJob[] = connectorIds.map((connectorId) => {
    const job = { ...data, connectorId };
    return { name: 'collect', queueName, data: job, opts: stepJobOptions(job, collectStepName(connectorId)) };
  });
  const later = CYCLE_STEPS.slice(1, CYCLE_STEPS.indexOf(until) + 1);
  let children = collects;
  let top: FlowJob | undefined;
  for (const step of later) {
    top = { name: step, queueName, data, opts: stepJobOptions(data, step), children };
    children = [top];
  }
  if (!top) throw new Error('a queued cycle runs at least its check step');
  return top;
}
