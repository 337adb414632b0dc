/**
 * What one API process costs to serve a register: `dx serve` started on a published snapshot, timed
 * from spawn until /health names the period (ready), then N single lookups spread over the whole
 * register (IDs sampled uniformly from the snapshot, in random order), and the process's resident
 * memory read from /proc after each. Run twice in the same run, on the same snapshot: with served
 * files (the default) and with every view loaded into the process (DX_SERVING_FORMAT=loaded, how
 * snapshots were served before), the baseline.
 *
 * BENCH_SERVING_LOOKUPS sets N (default 100,000); BENCH_SERVING_BASELINE=0 skips the loaded run
 * (at 10 M persons it needs about 9 GiB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DuckDBInstance } from '@duckdb/node-api';
import { PROJECT_ROOT } from '../src/paths.js';
import { SERVER_NODE_FLAGS } from '../src/runtime.js';
import { AccessStore } from '../src/share/accessStore.js';
import { addClient, decideGrant, requestGrant } from '../src/share/grants.js';
import { publishedDir, readPointer } from '../src/share/publishedSnapshot.js';
import { SERVED_VIEWS, servedFilePath } from '../src/share/servedFile.js';
import { measureNode, type Measured } from './childProcess.js';
import { ensureCity } from './cycleScale.js';

const DX = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'dx.js');
const MiB = 2 ** 20;

interface Memory { rssMb: number; anonMb: number; fileMb: number; peakMb: number }

/** Resident memory of a process: all of it, its own (heap, buffers) and file pages mapped (shared). */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: kb('VmRSS'), anonMb: kb('RssAnon'), fileMb: kb('RssFile') + kb('RssShmem'), peakMb: kb('VmHWM') };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Spawn `dx serve` and wait until it serves the published period; seconds from spawn. */
async function startServer(dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string; readySeconds: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, DX, 'serve', '--port', String(port), '--data', dataDir, '--rate-limit', '100000000', '--log-level', 'warn'],
    { stdio: 'ignore', env: { ...process.env, ...env } });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dx serve exited with ${child.exitCode}`);
    const health = await fetch(`${base}/health`).then((r) => r.json() as Promise<{ period: string | null }>).catch(() => undefined);
    if (health?.period) return { child, base, readySeconds: (performance.now() - started) / 1000 };
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface FormatRun {
  format: 'mapped' | 'loaded';
  readySeconds: number;
  atReady: Memory;
  afterLookups: Memory;
  lookups: number;
  requestsPerSecond: number;
  non2xx: number;
  /** Answers other than 200, by status (e.g. 400 for a register entry whose ID number the API refuses as invalid). */
  otherStatuses: string;
}

async function runFormat(format: FormatRun['format'], dataDir: string, paths: string[], headers: Record<string, string>): Promise<FormatRun> {
  const server = await startServer(dataDir, { DX_SERVING_FORMAT: format });
  try {
    const atReady = memoryOf(server.child.pid!);
    const result = await autocannon({ url: `${server.base}/`, connections: 20, amount: paths.length, headers, requests: paths.map((path) => ({ path })) });
    return { format, readySeconds: server.readySeconds, atReady, afterLookups: memoryOf(server.child.pid!), lookups: result.requests.total, requestsPerSecond: result.requests.average, non2xx: result.non2xx + result.errors,
      otherStatuses: Object.entries(result.statusCodeStats ?? {}).filter(([code]) => code !== '200').map(([code, s]) => `${s.count ?? 0}×${code}`).join(', ') };
  } finally {
    server.child.kill();
  }
}

/** IDs drawn uniformly from the whole published register, in random order. */
async function sampledIds(dataDir: string, count: number): Promise<string[]> {
  const instance = await DuckDBInstance.create(join(publishedDir(dataDir), readPointer(dataDir)!.file), { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(`SELECT id_number FROM population USING SAMPLE reservoir(${Math.floor(count)} ROWS) REPEATABLE (7) ORDER BY hash(id_number)`);
    return reader.getRows().map((r) => String(r[0]));
  } finally {
    instance.closeSync();
  }
}

export interface ServingBench { markdown: string; runs: FormatRun[] }

export async function benchServing(workDir: string, persons: number, period = '2026-11', seed = 20261101): Promise<ServingBench> {
  const { drop } = await ensureCity(workDir, persons, period, seed);
  const dataDir = join(workDir, `serving-data-${persons}`);
  rmSync(dataDir, { recursive: true, force: true });
  await measureNode(DX, ['cycle', '--period', period, '--source', drop, '--data', dataDir, '--until', 'govern', '--quiet']);
  try {
    return await measureServing(dataDir, persons, period);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Publish a governed period of `dataDir` and measure serving it, both formats. */
export async function measureServing(dataDir: string, persons: number, period: string): Promise<ServingBench> {
  const published: Measured = await measureNode(DX, ['publish', '--period', period, '--data', dataDir, '--override-reason', 'benchmark']);
  const snapshot = join(publishedDir(dataDir), readPointer(dataDir)!.file);
  const servedMb = SERVED_VIEWS.reduce((sum, v) => sum + statSync(servedFilePath(snapshot, v.table)).size, 0) / MiB;
  const store = new AccessStore(join(dataDir, 'access'));
  const { key } = await addClient(store, { id: 'bench-serving', name: 'bench', department: 'civil-affairs', roles: ['department'] });
  const request = await requestGrant(store, { client: 'bench-serving', resource: 'population', fields: { id_number: 'full', name: 'full', address: 'masked', deceased: 'full', marital_status: 'full', pension_status: 'full' }, purposes: ['bench'], expiresAt: '2099-01-01T00:00:00Z', legalBasis: 'bench' });
  await decideGrant(store, request.id, { approve: true, by: 'bench' });
  const headers = { authorization: `Bearer ${key}` };
  const lookups = Number(process.env.BENCH_SERVING_LOOKUPS ?? 100_000);
  const paths = (await sampledIds(dataDir, lookups)).map((id) => `/v1/persons/${id}?purpose=bench`);
  const runs = [await runFormat('mapped', dataDir, paths, headers)];
  if (process.env.BENCH_SERVING_BASELINE !== '0') runs.push(await runFormat('loaded', dataDir, paths, headers));
  // Printed as measured: the in-process comparison below loads the register three times more.
  process.stderr.write(`${JSON.stringify(runs)}\n`);
  const inProcess = await measureNode(join(PROJECT_ROOT, 'dist', 'bench', 'servedLookups.js'), [dataDir, String(Math.min(lookups, 200_000))]);
  const micros = JSON.parse(inProcess.stdout.trim().split('\n').at(-1)!) as LookupMicros;
  const files = { snapshotMb: statSync(snapshot).size / MiB, servedMb, publishSeconds: published.seconds };
  return { runs, markdown: servingMarkdown(persons, runs, files, micros) };
}

const mb = (n: number) => Math.round(n).toLocaleString('en-US');

/** One lookup and its disclosure inside the process, by format (servedLookups.ts). */
interface LookupMicros { loaded: number; mapped: number }

export function servingMarkdown(persons: number, runs: FormatRun[], files: { snapshotMb: number; servedMb: number; publishSeconds: number }, micros: LookupMicros): string {
  const lines = [
    `## Serving: one API process over ${persons.toLocaleString('en-US')} persons`,
    '',
    `\`dx serve\` on the published snapshot, timed from spawn until /health names the period; then ${runs[0]!.lookups.toLocaleString('en-US')} single lookups (\`GET /v1/persons/{id}\`, IDs sampled uniformly from the register, random order, 20 connections); resident memory from /proc (own: heap and buffers; file: file pages mapped, shared with every process reading them). Snapshot file ${mb(files.snapshotMb)} MiB; served files ${mb(files.servedMb)} MiB (written at publication, \`dx publish\` ${files.publishSeconds.toFixed(1)} s in all).`,
    '',
    '| format | ready s | resident at ready MiB (own / file) | resident after lookups MiB (own / file) | peak MiB | lookups/s | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.format === 'mapped' ? 'served files, read through the page cache' : 'baseline: every view loaded into the process'} | ${r.readySeconds.toFixed(2)} | ${mb(r.atReady.rssMb)} (${mb(r.atReady.anonMb)} / ${mb(r.atReady.fileMb)}) | ${mb(r.afterLookups.rssMb)} (${mb(r.afterLookups.anonMb)} / ${mb(r.afterLookups.fileMb)}) | ${mb(r.afterLookups.peakMb)} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${r.non2xx}${r.otherStatuses ? ` (${r.otherStatuses})` : ''} |`),
  ];
  const [mapped, loaded] = runs;
  if (mapped && loaded) {
    lines.push('', `**Resident after lookups: ${(mapped.afterLookups.rssMb / loaded.afterLookups.rssMb * 100).toFixed(0)}% of the loaded process's** (${mb(mapped.afterLookups.rssMb)} against ${mb(loaded.afterLookups.rssMb)} MiB; target: under 500 MiB at 10,000,000 persons); **ready in ${(mapped.readySeconds / loaded.readySeconds * 100).toFixed(0)}% of the time** (${mapped.readySeconds.toFixed(2)} against ${loaded.readySeconds.toFixed(2)} s; target: within 5 s). Lookups/s here are of 20 connections on a shared machine, not the throughput measurement (the API suite's).`);
  }
  lines.push('', `One lookup and its disclosure inside the process (no HTTP, no audit; \`dist/bench/servedLookups.js\`, medians of 3 alternating rounds): ${micros.mapped.toFixed(2)} µs from served files against ${micros.loaded.toFixed(2)} µs loaded (${(micros.mapped / micros.loaded).toFixed(2)}x): a served file's lookup is a key-index read and a record read (two system calls), a loaded one reads columns spread over the heap.`);
  return lines.join('\n');
}
