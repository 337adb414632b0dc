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
import { config } from '../config.js';
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

export function cycleQueue(dataDir: string, connection: ConnectionOptions): Queue {
  return new Queue(cycleQueueName(dataDir), { connection });
}

/** The Redis key naming the run that holds a period: only one cycle per period at a time. */
export function periodRunKey(period: string): string {
  return `dx:cycle:${period}:run`;
}
