/**
 * How often and how patiently a step or a webhook is retried. One policy serves both ways of
 * running the cycle: BullMQ's exponential backoff on the queue, `withRetries` in-process.
 */
import { config } from '../config.js';

export interface RetryPolicy {
  attempts: number;
  /** The wait before the second attempt; it doubles for each one after. */
  backoffMs: number;
}

export function webhookRetryPolicy(): RetryPolicy {
  return { attempts: config().DX_WEBHOOK_ATTEMPTS, backoffMs: config().DX_WEBHOOK_BACKOFF_MS };
}

export function stepRetryPolicy(): RetryPolicy {
  return { attempts: config().DX_STEP_ATTEMPTS, backoffMs: config().DX_STEP_BACKOFF_MS };
}

export function delayBefore(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** (attempt - 2);
}

/** Run `work` until it succeeds or the policy's attempts are spent; the last error is thrown. */
export async function withRetries<T>(policy: RetryPolicy, work: (attempt: number) => Promise<T>, onRetry?: (attempt: number, error: Error) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.attempts) throw error;
      onRetry?.(attempt, error as Error);
      await new Promise((resolve) => setTimeout(resolve, delayBefore(policy, attempt + 1)));
    }
  }
}
