/**
 * The queue's overhead: the same period's whole cycle in-process, and through BullMQ on a local
 * redis-server with one and with two worker processes. Ratios are against the in-process run
 * measured here, on the same files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { RedisServer } from '../test/helpers/redisServer.js';
import { measureNode, type Measured } from './childProcess.js';
import { ensureCity } from './cycleScale.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');

export interface QueueRun {
  mode: string;
  workers: number;
  run: Measured;
}

function startWorkers(count: number, data: string, redisUrl: string): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, [DX, 'worker', '--data', data], { env: { ...process.env, REDIS_URL: redisUrl }, stdio: 'ignore' }));
}

export async function benchQueue(workDir: string, persons: number, period = '2026-11', seed = 20261101): Promise<{ runs: QueueRun[]; markdown: string }> {
  const { drop } = await ensureCity(workDir, persons, period, seed);
  const runs: QueueRun[] = [];
  const data = join(workDir, `queue-data-${persons}`);
  rmSync(data, { recursive: true, force: true });
  runs.push({ mode: 'in-process', workers: 0, run: await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', data, '--quiet'], { REDIS_URL: '' }) });
  const redis = await RedisServer.start();
  try {
    for (const workers of [1, 2]) {
      rmSync(data, { recursive: true, force: true });
      const children = startWorkers(workers, data, redis.url);
      try {
        const run = await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', data, '--wait', '--quiet'], { REDIS_URL: redis.url });
        runs.push({ mode: 'BullMQ', workers, run });
      } finally {
        for (const child of children) child.kill('SIGTERM');
      }
    }
  } finally {
    await redis.stop();
    rmSync(data, { recursive: true, force: true });
  }
  return { runs, markdown: queueMarkdown(persons, runs) };
}

export function queueMarkdown(persons: number, runs: QueueRun[]): string {
  const base = runs[0]!.run.seconds;
  return [
    `## The cycle on the queue: ${persons.toLocaleString('en-US')} persons, in-process against BullMQ workers`,
    '',
    'Collect, check, govern, publish and notify, from the same files; the queued runs are timed from `dx cycle --wait` enqueuing to the run\'s end, with the worker processes already started.',
    '',
    '| how | worker processes | seconds | against in-process |',
    '|---|---:|---:|---:|',
    ...runs.map((r) => `| ${r.mode} | ${r.workers || '-'} | ${r.run.seconds.toFixed(1)} | ${(r.run.seconds / base).toFixed(2)}x |`),
    '',
    'The warehouse is one DuckDB file and DuckDB lets one process write it at a time, so a second worker process does not make the steps that write it faster: workers take the file in turn (each step opens it, and it is closed a second after a worker\'s last step). A second worker buys failover (a killed worker\'s step is taken over) rather than speed; within a process, two collect jobs run at once on two connections, as in-process.',
  ].join('\n');
}
