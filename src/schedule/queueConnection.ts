/**
 * The cycle's queue on Redis: one queue per exchange (per data folder), a job name per step.
 * Naming the queue after the data folder's own id keeps a worker from taking the jobs of
 * another exchange that happens to share the Redis: its steps would run against the wrong
 * warehouse.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue, type ConnectionOptions } from 'bullmq';
import { config, maskSecret } from '../config.js';
import { createJsonOnce, readJson } from '../store/fileLock.js';

/**
 * The data folder's id, made the first time anyone asks. A worker and `dx cycle` often start
 * together on a fresh folder, so it is created whole or not at all (`createJsonOnce`): writing the
 * file in place once let a second process read it empty.
 */
export function exchangeId(dataDir: string): string {
  const file = join(dataDir, 'exchange.json');
  const existing = readJson<{ id: string }>(file);
  if (existing) return existing.id;
  createJsonOnce(file, { id: randomUUID().slice(0, 12), createdAt: new Date().toISOString() });
  return readJson<{ id: string }>(file)!.id;
}

export function cycleQueueName(dataDir: string): string {
  return `dx-cycle-${exchangeId(dataDir)}`;
}

export function redisUrl(): string | undefined {
  return config().REDIS_URL;
}

/**
 * Workers block on Redis and must keep retrying through an outage rather than give up, so
 * commands wait (maxRetriesPerRequest: null) while the connection comes back.
 */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (times) => Math.min(times * 200, 2000) });
}

export class RedisUnreachableError extends Error {}

/** The URL as it may be shown: without its password. */
function shownUrl(url: string): string {
  return maskSecret(url);
}

/**
 * A connection for a command that asks Redis something and ends (`dx cycle` enqueueing): ready
 * within DX_REDIS_CONNECT_TIMEOUT_MS, or one clear error, without ioredis' retry noise. Workers use
 * redisConnection, which waits through an outage.
 */
export async function connectRedis(url: string, timeoutMs = config().DX_REDIS_CONNECT_TIMEOUT_MS): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true, retryStrategy: (times) => Math.min(times * 200, 1000) });
  let lastError = '';
  redis.on('error', (error: Error) => { lastError = error.message; });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new RedisUnreachableError(`Redis at ${shownUrl(url)} is unreachable after ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}; start it, or unset REDIS_URL to run the cycle in this process`)), timeoutMs); }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    if (error instanceof RedisUnreachableError) throw error;
    throw new RedisUnreachableError(`Redis at ${shownUrl(url)} is unreachable (${lastError || (error as Error).message}); start it, or unset REDIS_URL to run the cycle in this process`);
  } finally {
    clearTimeout(timer);
  }
}

export function cycleQueue(dataDir: string, connection: ConnectionOptions): Queue {
  return new Queue(cycleQueueName(dataDir), { connection });
}

/** The Redis key naming the run that holds a period: only one cycle per period at a time. */
export function periodRunKey(period: string): string {
  return `dx:cycle:${period}:run`;
}
