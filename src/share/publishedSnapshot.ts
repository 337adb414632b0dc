/**
 * What the API serves: a published period's views copied into a DuckDB file of their own,
 * which API processes open read-only while the cycle writes the warehouse. A pointer file
 * (published/CURRENT.json, replaced atomically) names the current one; publishing a new period
 * writes a new file and the served files beside it (servedFile.ts), then moves the pointer, and the
 * servers switch over.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { pidAlive, writeJsonAtomic } from '../store/fileLock.js';
import { join } from 'node:path';
import { quotedString as str } from '@duckdb/node-api';
import type { Warehouse } from '../store/warehouse.js';
import { ensureServedFiles, SERVED_VIEWS, servedFilePath } from './servedFile.js';

export interface SnapshotPointer {
  period: string;
  /** File name inside the published folder. */
  file: string;
  publishedAt: string;
  populationViewSha256: string;
  legalEntityViewSha256: string;
  /** The views' sizes, for the next publication's shrink check (pointers written before these were kept lack them). */
  persons?: number;
  entities?: number;
}

/** How many earlier published periods a snapshot keeps row hashes of, for "changed since" extracts. */
export const HISTORY_PERIODS = 12;

export function publishedDir(dataDir: string): string {
  return join(dataDir, 'published');
}

export function readPointer(dataDir: string): SnapshotPointer | undefined {
  const file = join(publishedDir(dataDir), 'CURRENT.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SnapshotPointer) : undefined;
}

/** The period itself and the published ones before it: the snapshot is written before its period's record commits. */
function historySql(view: string, key: string): string {
  return `SELECT period, ${key} AS key, md5(CAST(row(*COLUMNS(* EXCLUDE (period, provenance))) AS VARCHAR)) AS row_md5
          FROM ${view} WHERE period = $period
             OR period IN (SELECT period FROM published_periods WHERE period < $period ORDER BY period DESC LIMIT ${HISTORY_PERIODS - 1})`;
}

/**
 * Facts beside the views for the pre-payment check and application review: each death with the
 * earliest date attested and every department's record, and the property titles with their
 * owners. (Periods governed before these were kept are published without them.)
 */
async function exportFacts(warehouse: Warehouse, period: string): Promise<void> {
  const kept = new Set((await warehouse.all<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'main' AND table_name IN ('death_evidence', 'property_titles')`)).map((r) => r.t));
  if (kept.has('death_evidence')) {
    await warehouse.run(`CREATE TABLE snapshot.death_evidence AS
      SELECT id, least(health_death_date, civil_affairs_death_date, police_cancellation_date) AS death_date, attested_by, to_json(evidence)::VARCHAR AS evidence
      FROM death_evidence WHERE period = $period ORDER BY id`, { period });
  }
  if (kept.has('property_titles')) {
    await warehouse.run(`CREATE TABLE snapshot.property_title AS SELECT * EXCLUDE (period) FROM property_titles WHERE period = $period ORDER BY certificate_number`, { period });
  }
}

const PARTIAL = '.partial';

/**
 * Copy the period's views into a new snapshot file; its name. The file is written under a partial
 * name and renamed whole, so a snapshot file under its real name is always complete, and a process
 * killed while writing leaves only a partial file, which removePartialSnapshots deletes.
 */
export async function writeSnapshotFile(warehouse: Warehouse, period: string): Promise<string> {
  const governed = await warehouse.one<{ population_view_sha256: string }>(`SELECT population_view_sha256 FROM governed_periods WHERE period = ?`, [period]);
  if (!governed) throw new Error(`period ${period} has not been governed`);
  const dir = publishedDir(warehouse.dataDir);
  mkdirSync(dir, { recursive: true });
  const file = `${period}-${governed.population_view_sha256.slice(0, 12)}-${Date.now()}.duckdb`;
  const partial = join(dir, `${file}${PARTIAL}`);
  await warehouse.run(`ATTACH ${str(partial)} AS snapshot`);
  try {
    await warehouse.run(`CREATE TABLE snapshot.population AS SELECT * EXCLUDE (period) FROM population_view WHERE period = $period ORDER BY id_number`, { period });
    await warehouse.run(`CREATE TABLE snapshot.legal_entity AS SELECT * EXCLUDE (period) FROM legal_entity_view WHERE period = $period ORDER BY uscc`, { period });
    await warehouse.run(`CREATE TABLE snapshot.population_history AS ${historySql('population_view', 'id_number')}`, { period });
    await warehouse.run(`CREATE TABLE snapshot.legal_entity_history AS ${historySql('legal_entity_view', 'uscc')}`, { period });
    await exportFacts(warehouse, period);
  } finally {
    await warehouse.run(`DETACH snapshot`);
  }
  renameSync(partial, join(dir, file));
  // The files API processes answer lookups from, written before the pointer names the snapshot.
  await ensureServedFiles(join(dir, file));
  return file;
}

/** Point the API at a snapshot (the pointer is replaced whole), then prune the older files. */
export function pointTo(dataDir: string, pointer: SnapshotPointer): void {
  writeJsonAtomic(join(publishedDir(dataDir), 'CURRENT.json'), pointer);
  pruneSnapshots(publishedDir(dataDir), pointer.file);
}

/** Copy the period's views into a new snapshot file and point CURRENT.json at it. */
export async function exportSnapshot(warehouse: Warehouse, period: string): Promise<SnapshotPointer> {
  const governed = await warehouse.one<{ population_view_sha256: string; legal_entity_view_sha256: string; persons: number; entities: number }>(
    `SELECT population_view_sha256, legal_entity_view_sha256, persons, entities FROM governed_periods WHERE period = ?`, [period]);
  if (!governed) throw new Error(`period ${period} has not been governed`);
  const file = await writeSnapshotFile(warehouse, period);
  const pointer: SnapshotPointer = {
    period, file, publishedAt: new Date().toISOString(), populationViewSha256: governed.population_view_sha256,
    legalEntityViewSha256: governed.legal_entity_view_sha256, persons: governed.persons, entities: governed.entities,
  };
  pointTo(warehouse.dataDir, pointer);
  return pointer;
}

/** A temporary file (`<name>.<pid>[.<random>].tmp`, e.g. a served file being written) whose writer is gone. */
function temporaryOfDeadProcess(file: string): boolean {
  const writer = /\.(\d+)(\.[0-9a-z]+)?\.tmp$/.exec(file);
  return writer !== null && !pidAlive(Number(writer[1]));
}

/** Files a killed publish left half-written (and their DuckDB WALs): partial snapshots, temporaries of dead writers. */
export function removePartialSnapshots(dataDir: string): string[] {
  const dir = publishedDir(dataDir);
  if (!existsSync(dir)) return [];
  const partial = readdirSync(dir).filter((f) => f.includes(PARTIAL) || temporaryOfDeadProcess(f));
  for (const f of partial) rmSync(join(dir, f), { force: true });
  return partial;
}

/** The newest complete snapshot file of a period's view, by its content hash. */
export function snapshotFileFor(dataDir: string, period: string, populationViewSha256: string): string | undefined {
  const dir = publishedDir(dataDir);
  if (!existsSync(dir)) return undefined;
  const prefix = `${period}-${populationViewSha256.slice(0, 12)}-`;
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.duckdb')).sort().at(-1);
}

/**
 * Snapshot files kept besides the current one: an API process still serving an earlier file
 * while it swaps keeps reading it (on Linux a removed file lives on while open), and the
 * history inside each snapshot serves "changed since" without the old files.
 */
export const KEPT_SNAPSHOTS = 3;

function pruneSnapshots(dir: string, current: string): void {
  const stamp = (f: string) => Number(/-(\d+)\.duckdb$/.exec(f)?.[1] ?? 0);
  const files = readdirSync(dir).filter((f) => /^\d{4}-\d{2}-[0-9a-f]+-\d+\.duckdb$/.test(f) && f !== current).sort((a, b) => stamp(b) - stamp(a));
  for (const old of files.slice(KEPT_SNAPSHOTS - 1)) {
    rmSync(join(dir, old), { force: true });
    rmSync(join(dir, `${old}.wal`), { force: true });
    for (const view of SERVED_VIEWS) rmSync(servedFilePath(join(dir, old), view.table), { force: true });
  }
}
