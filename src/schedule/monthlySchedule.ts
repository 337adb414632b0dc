/**
 * The monthly start: a BullMQ job scheduler fires a 'start' job at the configured cron (by
 * default 02:00 on the 1st, Beijing time), which enqueues the cycle of the month just ended
 * from that month's drop folder (<drop root>/<YYYY-MM>).
 */
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectorSet } from '../connectors/manifest.js';
import { CycleAlreadyRunningError } from '../cycle/runCycle.js';
import { enqueueCycle } from './enqueueCycle.js';

export const DEFAULT_CRON = '0 2 1 * *';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const SCHEDULER_ID = 'monthly-cycle';

export interface ScheduledCycleData {
  dropRoot: string;
}

/** The month before the one `at` falls in (in the schedule's time zone). */
export function periodBefore(at: Date, timeZone = DEFAULT_TIMEZONE): string {
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(at).split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

export async function scheduleMonthlyCycle(queue: Queue, dropRoot: string, cron = DEFAULT_CRON, timeZone = DEFAULT_TIMEZONE): Promise<void> {
  await queue.upsertJobScheduler(SCHEDULER_ID, { pattern: cron, tz: timeZone }, { name: 'start', data: { dropRoot } satisfies ScheduledCycleData });
}

export async function startScheduledCycle(options: { dataDir: string; set: ConnectorSet; redis: Redis; log: Logger }, data: ScheduledCycleData, firedAt: Date): Promise<{ period: string; runId?: string; refused?: string }> {
  const period = periodBefore(firedAt);
  try {
    const { runId } = await enqueueCycle(options.redis, { dataDir: options.dataDir, set: options.set, period, source: join(data.dropRoot, period) });
    options.log.info({ period, runId }, 'monthly cycle enqueued');
    return { period, runId };
  } catch (error) {
    // Already running, or the month's folder is not there yet: reported, not retried blindly.
    if (!(error instanceof CycleAlreadyRunningError)) options.log.error({ period, err: (error as Error).message }, 'monthly cycle not started');
    return { period, refused: (error as Error).message };
  }
}
