import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { config } from '../../config.js';
import { startCycleWorker } from '../../schedule/cycleWorker.js';
import { DEFAULT_CRON, DEFAULT_TIMEZONE, scheduleMonthlyCycle } from '../../schedule/monthlySchedule.js';
import { cycleQueue, redisConnection, redisUrl } from '../../schedule/queueConnection.js';
import { connectorsFrom, withDataOptions, type DataOptions } from '../options.js';

interface WorkerCommandOptions extends DataOptions {
  concurrency: number;
  dropRoot?: string;
  cron: string;
  timezone: string;
}

export function registerWorkerCommand(program: Command): void {
  withDataOptions(
    program
      .command('worker')
      .description('Run cycle jobs from the queue (REDIS_URL). Start as many as you like, on any machine sharing the Redis and the data folder.')
      .option('--concurrency <n>', 'jobs this process runs at once', (v) => Number(v), 2)
      .option('--drop-root <dir>', 'start the cycle on a schedule, from <dir>/<YYYY-MM> (the month just ended)')
      .option('--cron <pattern>', 'when the scheduled cycle starts', config().DX_CYCLE_CRON ?? DEFAULT_CRON)
      .option('--timezone <tz>', 'the schedule\'s time zone', config().DX_CYCLE_TZ ?? DEFAULT_TIMEZONE),
  ).action(async (options: WorkerCommandOptions) => {
    const url = redisUrl();
    if (!url) throw new Error('dx worker needs REDIS_URL (e.g. redis://127.0.0.1:6379); without Redis, run dx cycle directly');
    const log = pino({ name: 'dx-worker', redact: { paths: ['url', 'redisUrl', '*.password'], censor: '[redacted]' } });
    const redis = redisConnection(url);
    redis.on('error', () => undefined); // reconnection is automatic; the worker logs its own trouble
    let worker: ReturnType<typeof startCycleWorker> | undefined;
    try {
      const set = connectorsFrom(options);
      worker = startCycleWorker({ dataDir: resolve(options.data), set, redis, log, concurrency: options.concurrency });
      if (options.dropRoot) {
        const queue = cycleQueue(resolve(options.data), redis);
        await scheduleMonthlyCycle(queue, resolve(options.dropRoot), options.cron, options.timezone);
        await queue.close();
        log.info({ cron: options.cron, timezone: options.timezone }, 'monthly cycle scheduled');
      }
    } catch (error) {
      // Open connections would keep a worker that failed to start alive, taking no jobs: close
      // them, so the process ends with the error.
      await worker?.close().catch(() => undefined);
      redis.disconnect();
      throw error;
    }
    const started = worker;
    log.info({ pid: process.pid, concurrency: options.concurrency }, 'worker ready');
    const stop = () => { void started.close().then(() => { redis.disconnect(); process.exit(0); }); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
