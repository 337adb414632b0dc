/**
 * Collect: every connector's batch for a period, each on its own. A batch that fails as a
 * whole (unreadable file, missing column) is recorded with its error and leaves the period's
 * other batches, and its own previous load, untouched.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { config } from '../config.js';
import { parsePeriod } from '../period.js';
import type { Connector, ConnectorSet } from '../connectors/manifest.js';
import type { Warehouse } from '../store/warehouse.js';
import { collectBatch, type BatchResult } from './collectBatch.js';
import { matchSourceFiles } from './sourceFiles.js';
import { controlFilesOf } from './controlTotals.js';
import { removeStaleStaged, stageSources, type StagedSource } from './stageSources.js';

export type AttemptStatus = 'loaded' | 'failed' | 'missing';

export interface CollectAttempt {
  connector: string;
  status: AttemptStatus;
  batch?: BatchResult;
  error?: string;
  files: string[];
}

export interface CollectOutcome {
  runId: string;
  period: string;
  attempts: CollectAttempt[];
}

export class SourceFolderError extends Error {}

export function assertPeriod(period: string): void {
  parsePeriod(period);
}

interface Planned {
  connector: Connector;
  files: string[];
  /** The files being staged, started ahead of the batch's turn. */
  staging?: Promise<StagedSource[]>;
}

function plan(connector: Connector, period: string, dropDir: string): Planned {
  // A control file (校核) may match the data glob too: it is read as totals, never as rows.
  const controls = new Set(controlFilesOf(connector, dropDir, period));
  const files = matchSourceFiles(dropDir, connector.source.glob, period).filter((f) => !controls.has(f) && !f.endsWith('.control.json'));
  return { connector, files };
}

/** Start staging a planned batch's files now (Node work that overlaps DuckDB's work on the batch before). */
function stageAhead(warehouse: Warehouse, planned: Planned | undefined, dropDir: string): void {
  if (!planned || planned.staging || planned.files.length === 0) return;
  planned.staging = stageSources(warehouse.tempDir, planned.connector, dropDir, planned.files);
  planned.staging.catch(() => undefined); // reported when the batch's turn comes
}

export async function collectConnector(warehouse: Warehouse, connector: Connector, period: string, dropDir: string, runId: string, planned = plan(connector, period, dropDir)): Promise<CollectAttempt> {
  const started = new Date();
  const files = planned.files;
  let attempt: CollectAttempt;
  if (files.length === 0) {
    attempt = { connector: connector.id, status: 'missing', files, error: `no file matches ${connector.source.glob} for ${period}` };
  } else {
    try {
      attempt = { connector: connector.id, status: 'loaded', files, batch: await collectBatch(warehouse, connector, period, dropDir, files, planned.staging) };
    } catch (error) {
      attempt = { connector: connector.id, status: 'failed', files, error: (error as Error).message };
    }
  }
  await recordAttempt(warehouse, runId, period, attempt, started);
  return attempt;
}

async function recordAttempt(warehouse: Warehouse, runId: string, period: string, attempt: CollectAttempt, started: Date): Promise<void> {
  await warehouse.run(`INSERT INTO collect_attempts VALUES (?, ?, ?, ?, ?, ?, ?, now())`, [
    runId, period, attempt.connector, attempt.status, attempt.batch?.batchId ?? null, attempt.error ?? null, started.toISOString(),
  ]);
}

export function assertSourceFolder(dropDir: string, period: string): void {
  if (!existsSync(dropDir) || !statSync(dropDir).isDirectory()) {
    throw new SourceFolderError(`source folder ${dropDir} does not exist or is not a folder; nothing was collected for ${period}`);
  }
}

async function recordBroken(warehouse: Warehouse, runId: string, period: string, broken: ConnectorSet['broken'][number]): Promise<CollectAttempt> {
  const attempt: CollectAttempt = { connector: broken.id, status: 'failed', files: [], error: broken.error };
  await recordAttempt(warehouse, runId, period, attempt, new Date());
  return attempt;
}

/** One connector's batch on its own: what a queued collect job runs. */
export async function collectOneConnector(warehouse: Warehouse, set: ConnectorSet, connectorId: string, period: string, dropDir: string, runId: string): Promise<CollectAttempt> {
  assertPeriod(period);
  assertSourceFolder(dropDir, period);
  await removeStaleStaged(warehouse.tempDir);
  const broken = set.broken.find((b) => b.id === connectorId);
  if (broken) return recordBroken(warehouse, runId, period, broken);
  const connector = set.connectors.find((c) => c.id === connectorId);
  if (!connector) throw new Error(`no connector ${connectorId} among the manifests`);
  return collectConnector(warehouse, connector, period, dropDir, runId);
}

export interface CollectHooks {
  runId?: string;
  concurrency?: number;
  /** Told as each connector's batch starts and ends. */
  onConnector?: (connectorId: string, attempt?: CollectAttempt) => void;
}

export async function collectPeriod(warehouse: Warehouse, set: ConnectorSet, period: string, dropDir: string, hooks: CollectHooks = {}): Promise<CollectOutcome> {
  assertPeriod(period);
  assertSourceFolder(dropDir, period);
  await removeStaleStaged(warehouse.tempDir);
  const runId = hooks.runId ?? randomUUID();
  const concurrency = hooks.concurrency ?? config().DX_COLLECT_CONCURRENCY;
  const attempts: CollectAttempt[] = [];
  for (const broken of set.broken) {
    hooks.onConnector?.(broken.id);
    const attempt = await recordBroken(warehouse, runId, period, broken);
    hooks.onConnector?.(broken.id, attempt);
    attempts.push(attempt);
  }
  // Biggest batches first, two at a time on their own connections (each batch is its own
  // transaction over its own rows), with the next batch's files staged ahead.
  const plans = set.connectors.map((connector) => plan(connector, period, dropDir))
    .sort((a, b) => sizeOf(dropDir, b.files) - sizeOf(dropDir, a.files) || a.connector.id.localeCompare(b.connector.id));
  const queue = [...plans];
  const results = new Map<string, CollectAttempt>();
  const worker = async (connection: Warehouse) => {
    for (let planned = queue.shift(); planned; planned = queue.shift()) {
      stageAhead(connection, queue[0], dropDir);
      stageAhead(connection, planned, dropDir);
      hooks.onConnector?.(planned.connector.id);
      const attempt = await collectConnector(connection, planned.connector, period, dropDir, runId, planned);
      hooks.onConnector?.(planned.connector.id, attempt);
      results.set(planned.connector.id, attempt);
    }
  };
  const forks = await Promise.all(Array.from({ length: Math.max(0, concurrency - 1) }, () => warehouse.fork()));
  try {
    await warehouse.sideBySide(concurrency, () => Promise.all([warehouse, ...forks].map(worker)));
  } finally {
    for (const fork of forks) fork.close();
  }
  for (const connector of set.connectors) attempts.push(results.get(connector.id)!);
  return { runId, period, attempts };
}

function sizeOf(dropDir: string, files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(join(dropDir, f)).size, 0);
}
