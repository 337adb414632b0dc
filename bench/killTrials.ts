/**
 * kill -9 trials: `dx cycle` and `dx publish` killed at random moments, then what an operator would
 * see and do. After each kill:
 * - `dx status` says the run was interrupted (when the kill fell inside the run);
 * - once a dx command has opened the warehouse (it finishes an interrupted publish), the warehouse's
 *   latest publication record and the served snapshot (published/CURRENT.json) name the same period
 *   and view hash, the pointer's file exists, and no partial snapshot file is left;
 * - running the command again converges to the reference run's content hashes.
 *
 * Run: npx tsx bench/killTrials.ts   (KILL_TRIALS=20 each, KILL_PERSONS=2000, KILL_SEED=7)
 * Writes bench/results/kill-trials.json and prints a summary; exits 1 when any trial breaks a rule.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCycleStatus } from '../src/cycle/cycleStatus.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { publishedDir, readPointer } from '../src/share/publishedSnapshot.js';
import { Warehouse } from '../src/store/warehouse.js';

const TRIALS = Number(process.env.KILL_TRIALS ?? 20);
const PERSONS = Number(process.env.KILL_PERSONS ?? 2000);
const SEED = Number(process.env.KILL_SEED ?? 7);
const PERIOD = '2026-11';
const DX = join(PROJECT_ROOT, 'src', 'cli', 'dx.ts');
// Tests and trials alike: no load shedding, a small warehouse.
const ENV = { ...process.env, DX_MAX_EVENT_LOOP_DELAY_MS: '0', DX_MEMORY_LIMIT: '1GB', REDIS_URL: '' };

function dxSync(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', DX, ...args], { cwd: PROJECT_ROOT, env: ENV, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Start dx, kill it with SIGKILL `afterMs` after `begun()` first holds (polled; at once without it),
 * so that kills fall inside the work rather than in Node's start-up; whether it was still running.
 */
function dxKilled(args: string[], afterMs: number, begun?: () => boolean): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', DX, ...args], { cwd: PROJECT_ROOT, env: ENV, stdio: 'ignore' });
    let exited = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => { timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, afterMs); };
    const poll = setInterval(() => { if (!begun || begun()) { clearInterval(poll); arm(); } }, 20);
    child.on('exit', (code, signal) => {
      exited = true;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

const partialWritten = (dataDir: string) => () => existsSync(publishedDir(dataDir)) && readdirSync(publishedDir(dataDir)).some((f) => f.includes('.partial'));

function timed(work: () => void): number {
  const started = Date.now();
  work();
  return Date.now() - started;
}

interface Hashes { population: string; legalEntity: string }

async function governedHashes(dataDir: string): Promise<Hashes> {
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    const row = await warehouse.one<{ p: string; l: string }>(`SELECT population_view_sha256 AS p, legal_entity_view_sha256 AS l FROM governed_periods WHERE period = ?`, [PERIOD]);
    return { population: row?.p ?? '', legalEntity: row?.l ?? '' };
  } finally {
    warehouse.close();
  }
}

/** What the rules say of a data folder after a kill and a reconciling open. */
async function publicationAgrees(dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const partial = existsSync(publishedDir(dataDir)) ? readdirSync(publishedDir(dataDir)).filter((f) => f.includes('.partial') || f.endsWith('.tmp')) : [];
  if (partial.length > 0) problems.push(`partial files left: ${partial.join(', ')}`);
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  let latest: { period: string; p: string } | undefined;
  try {
    const table = await warehouse.one(`SELECT 1 FROM information_schema.tables WHERE table_name = 'published_periods'`);
    latest = table ? await warehouse.one<{ period: string; p: string }>(`SELECT period, population_view_sha256 AS p FROM published_periods ORDER BY published_at DESC LIMIT 1`) : undefined;
  } finally {
    warehouse.close();
  }
  const pointer = readPointer(dataDir);
  if (!latest && pointer) problems.push(`served ${pointer.period} without a publication record`);
  if (latest && (!pointer || pointer.period !== latest.period || pointer.populationViewSha256 !== latest.p)) {
    problems.push(`record says ${latest.period}/${latest.p.slice(0, 8)}, served ${pointer ? `${pointer.period}/${pointer.populationViewSha256.slice(0, 8)}` : 'nothing'}`);
  }
  if (pointer && !existsSync(join(publishedDir(dataDir), pointer.file))) problems.push(`pointer names a missing file ${pointer.file}`);
  return problems;
}

interface Trial { kind: 'cycle' | 'publish'; n: number; killAtMs: number; killed: boolean; status: string; problems: string[]; converged: boolean }

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'dx-kill-'));
  process.stderr.write(`working in ${root}\n`);
  const source = join(root, 'drop', PERIOD);
  const city = dxSync(['fixtures', '--persons', String(PERSONS), '--seed', String(SEED), '--period', PERIOD, '--out', source]);
  if (city.code !== 0) throw new Error(city.stderr);

  // The reference: an uninterrupted cycle and publish.
  const reference = join(root, 'reference');
  const cycleArgs = (data: string) => ['cycle', '--data', data, '--period', PERIOD, '--source', source, '--until', 'publish', '--quiet'];
  const publishArgs = (data: string) => ['publish', '--data', data, '--period', PERIOD, '--override-reason', 'kill trial: planted faults', '--force'];
  const cycleMs = timed(() => dxSync(cycleArgs(reference)));
  const publishMs = timed(() => { const p = dxSync(publishArgs(reference)); if (p.code !== 0) throw new Error(p.stderr); });
  const want = await governedHashes(reference);
  const wantServed = readPointer(reference)!.populationViewSha256;
  process.stderr.write(`reference: cycle ${cycleMs} ms, publish ${publishMs} ms, population ${want.population.slice(0, 12)}\n`);

  const trials: Trial[] = [];
  const data = join(root, 'data');
  // Cycle and publish trials alternate, so that a run cut short holds some of each.
  for (let n = 1; n <= TRIALS; n++) {
    await cycleTrial(n);
    await publishTrial(n);
  }

  async function cycleTrial(n: number): Promise<void> {
    // Half the kills from the spawn (start-up included), half from the moment the run is recorded.
    const killAtMs = Math.floor(Math.random() * cycleMs * (n % 2 === 0 ? 0.7 : 1));
    const before = readCycleStatus(data, PERIOD)?.run.runId;
    const { killed } = await dxKilled(cycleArgs(data), killAtMs, n % 2 === 0 ? () => readCycleStatus(data, PERIOD)?.run.runId !== before : undefined);
    const after = readCycleStatus(data, PERIOD);
    // Killed while Node was still starting, the run had not begun: the record is the previous run's.
    const began = after !== undefined && after.run.runId !== before;
    const status = !began ? 'not begun' : after.run.state;
    const problems = killed && began && status !== 'interrupted' ? [`status says ${status} after the kill`] : [];
    const again = dxSync(cycleArgs(data)); // converges (and, opening the warehouse, finishes any interrupted publish)
    problems.push(...await publicationAgrees(data));
    const got = await governedHashes(data);
    // Exit 2: the run ended, its period held back by the sample's planted faults, as the reference's was.
    const converged = (again.code === 0 || again.code === 2) && got.population === want.population && got.legalEntity === want.legalEntity;
    if (!converged) problems.push(`re-run did not converge (exit ${again.code}): ${again.stderr.trim().split('\n').at(-1)}`);
    trials.push({ kind: 'cycle', n, killAtMs, killed, status, problems, converged });
    summarise(trials, cycleMs, publishMs);
    process.stderr.write(`cycle ${n}: kill at ${killAtMs} ms ${killed ? '' : '(had finished) '}→ ${status}; ${problems.length === 0 ? 'ok' : problems.join('; ')}\n`);
  }
  async function publishTrial(n: number): Promise<void> {
    // Half the kills from the spawn, half from the moment the snapshot file is being written.
    const fromSnapshot = n % 2 === 0;
    const killAtMs = Math.floor(Math.random() * (fromSnapshot ? Math.min(publishMs, 3000) : publishMs));
    const { killed } = await dxKilled(publishArgs(data), killAtMs, fromSnapshot ? partialWritten(data) : undefined);
    dxSync(['report', 'checks', '--data', data, '--period', PERIOD, '--format', 'csv']); // any command that opens the warehouse
    const problems = await publicationAgrees(data);
    const again = dxSync(publishArgs(data));
    const converged = again.code === 0 && readPointer(data)?.populationViewSha256 === wantServed;
    if (!converged) problems.push(`re-publish did not converge (exit ${again.code}): ${again.stderr.trim().split('\n').at(-1)}`);
    problems.push(...await publicationAgrees(data));
    trials.push({ kind: 'publish', n, killAtMs, killed, status: killed ? 'killed' : 'finished', problems, converged });
    summarise(trials, cycleMs, publishMs);
    process.stderr.write(`publish ${n}: kill at ${killAtMs} ms${fromSnapshot ? ' into the snapshot' : ''} ${killed ? '' : '(had finished) '}; ${problems.length === 0 ? 'ok' : problems.join('; ')}\n`);
  }
  const summary = summarise(trials, cycleMs, publishMs);
  process.stdout.write(`kill -9 trials at ${PERSONS} persons: ${summary.cycleTrials} cycle (${summary.cycleKilledInside} killed mid-run, ${summary.interrupted} shown interrupted), ${summary.publishTrials} publish (${summary.publishKilledInside} killed mid-publish); ${summary.failed} broke a rule\n`);
  rmSync(root, { recursive: true, force: true });
  if (summary.failed > 0) process.exitCode = 1;
}

/** Written after every trial, so that a run cut short still says what it found. */
function summarise(trials: Trial[], cycleMs: number, publishMs: number) {
  const failed = trials.filter((t) => t.problems.length > 0);
  const summary = {
    command: 'npx tsx bench/killTrials.ts', persons: PERSONS, seed: SEED, trialsEach: TRIALS, referenceCycleMs: cycleMs, referencePublishMs: publishMs,
    cycleKilledInside: trials.filter((t) => t.kind === 'cycle' && t.killed).length, publishKilledInside: trials.filter((t) => t.kind === 'publish' && t.killed).length,
    interrupted: trials.filter((t) => t.status === 'interrupted').length, failed: failed.length,
    cycleTrials: trials.filter((t) => t.kind === 'cycle').length, publishTrials: trials.filter((t) => t.kind === 'publish').length, trials,
  };
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(PROJECT_ROOT, 'bench', 'results', 'kill-trials.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

await main();
