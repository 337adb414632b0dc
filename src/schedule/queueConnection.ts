/** The cycle's queue on Redis: one queue, a job name per step, the connection settings BullMQ needs. */
import { Redis } from 'ioredis';
import { Queue, type ConnectionOptions } from 'bullmq';

export const CYCLE_QUEUE = 'dx-cycle';

export function redisUrl(): string | undefined {
  return process.env.REDIS_URL || undefined;
}

/**
 * Workers block on Redis and must keep retrying through an outage rather than give up, so
 * commands wait (maxRetriesPerRequest: null) while the connection comes back.
 */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (times) => Math.min(times * 200, 2000) });
}

export function cycleQueue(connection: ConnectionOptions): Queue {
  return new Queue(CYCLE_QUEUE, { connection });
}

/** The Redis key naming the run that holds a period: only one cycle per period at a time. */
export function periodRunKey(period: string): string {
  return `dx:cycle:${period}:run`;
}
