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
import { readJson } from '../store/fileLock.js';
import { mkdirSync, writeFileSync } from 'node:fs';

/** The data folder's id, made the first time anyone asks. */
export function exchangeId(dataDir: string): string {
  const file = join(dataDir, 'exchange.json');
  const existing = readJson<{ id: string }>(file);
  if (existing) return existing.id;
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${JSON.stringify({ id: randomUUID().slice(0, 12), createdAt: new Date().toISOString() })}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
  }
  return readJson<{ id: string }>(file)!.id;
}

export function cycleQueueName(dataDir: string): string {
  return `dx-cycle-${exchangeId(dataDir)}`;
}

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

export function cycleQueue(dataDir: string, connection: ConnectionOptions): Queue {
  return new Queue(cycleQueueName(dataDir), { connection });
}

/** The Redis key naming the run that holds a period: only one cycle per period at a time. */
export function periodRunKey(period: string): string {
  return `dx:cycle:${period}:run`;
}
