/**
 * A prototype of the partitioned cycle (docs/scale.md): two partitions of a province, each its own
 * department files and its own data directory (its own DuckDB file), collected and checked by BullMQ
 * workers on one redis-server, one worker process per partition. Measured two ways in the same run,
 * with fresh workers each time: both partitions enqueued at once (two workers at work together),
 * and one partition after the other (what a single worker taking both would do), the baseline.
 *
 * The partitions are two cities of the fixture generator with different seeds, standing for two
 * prefectures' files. BENCH_PARTITION_PERSONS sets each one's size (default 200,000). On this machine
 * both workers share the same two cores, so "at once" measures what a partition costs when it
 * does not have the machine to itself; on several machines each would have its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { readCycleStatus } from '../src/cycle/cycleStatus.js';
import { RedisServer } from '../test/helpers/redisServer.js';
import { measureNode } from './childProcess.js';
import { ensureCity } from './cycleScale.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');

interface PartitionRun {
  partition: string;
  seconds: number;
  collectSeconds: number;
  checkSeconds: number;
  /** The worker's peak resident memory, MiB. */
  workerPeakMb: number;
  detail: string;
}

interface ModeRun { mode: 'at once' | 'one after the other'; wallSeconds: number; partitions: PartitionRun[] }

function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

interface Partition { name: string; drop: string; data: string }

async function runPartition(partition: Partition, period: string, redisUrl: string, worker: ChildProcess): Promise<PartitionRun> {
  const run = await measureNode(DX, ['cycle', '--period', period, '--source', partition.drop, '--data', partition.data, '--until', 'check', '--wait', '--quiet'], { REDIS_URL: redisUrl });
  const status = readCycleStatus(partition.data, period);
  if (status?.run.state !== 'completed') throw new Error(`partition ${partition.name}: the cycle ended ${status?.run.state ?? 'without a status'}`);
  const step = (name: string) => status.steps.find((s) => s.step === name);
  return {
    partition: partition.name, seconds: run.seconds,
    collectSeconds: (step('collect')?.durationMs ?? 0) / 1000, checkSeconds: (step('check')?.durationMs ?? 0) / 1000,
    workerPeakMb: peakMb(worker.pid!), detail: step('check')?.detail ?? '',
  };
}

async function runMode(mode: ModeRun['mode'], partitions: Partition[], period: string, redisUrl: string): Promise<ModeRun> {
  for (const p of partitions) rmSync(p.data, { recursive: true, force: true });
  const workers = partitions.map((p) => spawn(process.execPath, [DX, 'worker', '--data', p.data], { env: { ...process.env, REDIS_URL: redisUrl }, stdio: 'ignore' }));
  try {
    const started = performance.now();
    const runs = mode === 'at once'
      ? await Promise.all(partitions.map((p, i) => runPartition(p, period, redisUrl, workers[i]!)))
      : await partitions.reduce<Promise<PartitionRun[]>>(async (done, p, i) => [...await done, await runPartition(p, period, redisUrl, workers[i]!)], Promise.resolve([]));
    return { mode, wallSeconds: (performance.now() - started) / 1000, partitions: runs };
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
  }
}

export async function benchPartitions(workDir: string, persons: number, period = '2026-11'): Promise<{ runs: ModeRun[]; markdown: string }> {
  const partitions: Partition[] = [];
  for (const [name, seed] of [['A', 20261101], ['B', 20261102]] as const) {
    const { drop } = await ensureCity(workDir, persons, period, seed);
    partitions.push({ name, drop, data: join(workDir, `partition-${name}-${persons}`) });
  }
  const redis = await RedisServer.start();
  try {
    const sequential = await runMode('one after the other', partitions, period, redis.url);
    const together = await runMode('at once', partitions, period, redis.url);
    return { runs: [sequential, together], markdown: partitionMarkdown(persons, [sequential, together]) };
  } finally {
    await redis.stop();
    for (const p of partitions) rmSync(p.data, { recursive: true, force: true });
  }
}

export function partitionMarkdown(persons: number, runs: ModeRun[]): string {
  const [sequential, together] = runs as [ModeRun, ModeRun];
  return [
    `## Partitioned collect + check: 2 partitions of ${persons.toLocaleString('en-US')} persons, a BullMQ worker each`,
    '',
    'Each partition its own department files and data directory (its own DuckDB file), `dx cycle --until check --wait` enqueued on one redis-server, a `dx worker` per partition. Wall time from the first enqueue to the last run\'s end; step times from each run\'s status; worker peak from /proc.',
    '',
    '| how | partition | seconds | collect s | check s | worker peak MiB | check |',
    '|---|---|---:|---:|---:|---:|---|',
    ...runs.flatMap((r) => r.partitions.map((p) => `| ${r.mode} | ${p.partition} | ${p.seconds.toFixed(1)} | ${p.collectSeconds.toFixed(1)} | ${p.checkSeconds.toFixed(1)} | ${Math.round(p.workerPeakMb).toLocaleString('en-US')} | ${p.detail} |`)),
    '',
    `**Both partitions at once: ${together.wallSeconds.toFixed(1)} s wall against ${sequential.wallSeconds.toFixed(1)} s one after the other (${(sequential.wallSeconds / together.wallSeconds).toFixed(2)}x the throughput)**, on ${'the same 2 cores'}: each partition took ${(together.partitions.reduce((s, p) => s + p.seconds, 0) / sequential.partitions.reduce((s, p) => s + p.seconds, 0)).toFixed(2)}x as long sharing the machine as alone.`,
  ].join('\n');
}
