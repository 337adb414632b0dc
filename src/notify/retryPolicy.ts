/**
 * How often and how patiently a step or a webhook is retried. One policy serves both ways of
 * running the cycle: BullMQ's exponential backoff on the queue, `withRetries` in-process.
 */
export interface RetryPolicy {
  attempts: number;
  /** The wait before the second attempt; it doubles for each one after. */
  backoffMs: number;
}

export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function webhookRetryPolicy(): RetryPolicy {
  return { attempts: envInt('DX_WEBHOOK_ATTEMPTS', 6), backoffMs: envInt('DX_WEBHOOK_BACKOFF_MS', 2000) };
}

export function stepRetryPolicy(): RetryPolicy {
  return { attempts: envInt('DX_STEP_ATTEMPTS', 3), backoffMs: envInt('DX_STEP_BACKOFF_MS', 5000) };
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
