/**
 * A prototype of the partitioned cycle (docs/scale.md): two partitions of a province, each its own
 * department files and its own data directory (its own DuckDB file), collected and checked by BullMQ
 * workers, one worker process per partition. Each partition has its own redis-server: the key
 * that holds a period's run (`dx:cycle:<period>:run`, src/schedule/queueConnection.ts) is not yet
 * namespaced by exchange, so two exchanges on one Redis cannot run the same period at once. Measured two ways in the same run,
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
  /** From the first collect step's start to the last one's end (a partition collects two files at once). */
  collectSeconds: number;
  checkSeconds: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  /** The worker's peak resident memory, MiB. */
  workerPeakMb: number;
  detail: string;
}

interface ModeRun { mode: 'at once' | 'one after the other'; wallSeconds: number; partitions: PartitionRun[] }

function peakMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

interface Partition { name: string; drop: string; data: string; redisUrl: string }

async function runPartition(partition: Partition, period: string, worker: ChildProcess): Promise<PartitionRun> {
  const run = await measureNode(DX, ['cycle', '--period', period, '--source', partition.drop, '--data', partition.data, '--until', 'check', '--wait', '--quiet'], { REDIS_URL: partition.redisUrl });
  const status = readCycleStatus(partition.data, period);
  if (status?.run.state !== 'completed') throw new Error(`partition ${partition.name}: the cycle ended ${status?.run.state ?? 'without a status'}`);
  const check = status.steps.find((s) => s.step === 'check');
  const collects = status.steps.filter((s) => s.step !== 'check' && s.startedAt && s.endedAt);
  const rows = (pattern: RegExp) => collects.reduce((sum, s) => sum + Number(pattern.exec(s.detail ?? '')?.[1] ?? 0), 0);
  const span = collects.length === 0 ? 0
    : (Math.max(...collects.map((s) => Date.parse(s.endedAt!))) - Math.min(...collects.map((s) => Date.parse(s.startedAt!)))) / 1000;
  return {
    partition: partition.name, seconds: run.seconds, collectSeconds: span, checkSeconds: (check?.durationMs ?? 0) / 1000,
    rowsLoaded: rows(/(\d+) rows loaded/), rowsQuarantined: rows(/(\d+) quarantined/),
    workerPeakMb: peakMb(worker.pid!), detail: check?.detail ?? '',
  };
}

/** Every run's result, or the first failure once all have ended (no run is left going when the bench stops). */
async function allOrFirstError<T>(runs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function runMode(mode: ModeRun['mode'], partitions: Partition[], period: string): Promise<ModeRun> {
  for (const p of partitions) rmSync(p.data, { recursive: true, force: true });
  const workers = partitions.map((p) => spawn(process.execPath, [DX, 'worker', '--data', p.data], { env: { ...process.env, REDIS_URL: p.redisUrl }, stdio: 'ignore' }));
  try {
    const started = performance.now();
    const runs = mode === 'at once'
      ? await allOrFirstError(partitions.map((p, i) => runPartition(p, period, workers[i]!)))
      : await partitions.reduce<Promise<PartitionRun[]>>(async (done, p, i) => [...await done, await runPartition(p, period, workers[i]!)], Promise.resolve([]));
    return { mode, wallSeconds: (performance.now() - started) / 1000, partitions: runs };
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
  }
}

export async function benchPartitions(workDir: string, persons: number, period = '2026-11'): Promise<{ runs: ModeRun[]; markdown: string }> {
  const partitions: Partition[] = [];
  const servers: RedisServer[] = [];
  try {
    for (const [name, seed] of [['A', 20261101], ['B', 20261102]] as const) {
      const { drop } = await ensureCity(workDir, persons, period, seed);
      const redis = await RedisServer.start();
      servers.push(redis);
      partitions.push({ name, drop, data: join(workDir, `partition-${name}-${persons}`), redisUrl: redis.url });
    }
    const sequential = await runMode('one after the other', partitions, period);
    const together = await runMode('at once', partitions, period);
    return { runs: [sequential, together], markdown: partitionMarkdown(persons, [sequential, together]) };
  } finally {
    for (const redis of servers) await redis.stop();
    for (const p of partitions) rmSync(p.data, { recursive: true, force: true });
  }
}

const rowsOf = (run: ModeRun) => run.partitions.reduce((sum, p) => sum + p.rowsLoaded + p.rowsQuarantined, 0);

export function partitionMarkdown(persons: number, runs: ModeRun[]): string {
  const [sequential, together] = runs as [ModeRun, ModeRun];
  return [
    `## Partitioned collect + check: 2 partitions of ${persons.toLocaleString('en-US')} persons, a BullMQ worker each`,
    '',
    'Each partition its own department files and data directory (its own DuckDB file), `dx cycle --until check --wait` enqueued on its own redis-server, a `dx worker` per partition. Wall time from the first enqueue to the last run\'s end; step times from each run\'s status; worker peak from /proc.',
    '',
    '| how | partition | rows loaded | quarantined | seconds | collect s | check s | worker peak MiB | check |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...runs.flatMap((r) => r.partitions.map((p) => `| ${r.mode} | ${p.partition} | ${p.rowsLoaded.toLocaleString('en-US')} | ${p.rowsQuarantined.toLocaleString('en-US')} | ${p.seconds.toFixed(1)} | ${p.collectSeconds.toFixed(1)} | ${p.checkSeconds.toFixed(1)} | ${Math.round(p.workerPeakMb).toLocaleString('en-US')} | ${p.detail} |`)),
    '',
    `**Both partitions at once: ${together.wallSeconds.toFixed(1)} s wall against ${sequential.wallSeconds.toFixed(1)} s one after the other (${(sequential.wallSeconds / together.wallSeconds).toFixed(2)}x the throughput)**, on the same 2 cores (${Math.round(rowsOf(together) / together.wallSeconds).toLocaleString('en-US')} against ${Math.round(rowsOf(sequential) / sequential.wallSeconds).toLocaleString('en-US')} rows collected and checked a second): each partition took ${(together.partitions.reduce((s, p) => s + p.seconds, 0) / sequential.partitions.reduce((s, p) => s + p.seconds, 0)).toFixed(2)}x as long sharing the machine as alone.`,
  ].join('\n');
}
