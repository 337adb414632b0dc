/**
 * The serving structure: the published snapshot held in memory, one map per view keyed by ID
 * number or USCC, so a lookup is a map read rather than a query (a DuckDB point query costs
 * about a millisecond). The snapshot's DuckDB file stays open read-only for bulk extracts.
 * When CURRENT.json moves, the next snapshot is loaded beside the current one and swapped in;
 * requests in flight keep the one they started with.
 */
import { join } from 'node:path';
import { unwatchFile, watchFile } from 'node:fs';
import { DuckDBInstance, quotedIdentifier as ident, type DuckDBConnection } from '@duckdb/node-api';
import { publishedDir, readPointer, type SnapshotPointer } from './publishedSnapshot.js';

export type ViewRecord = Record<string, unknown> & { provenance?: string };

export interface ServingSnapshot {
  pointer: SnapshotPointer;
  persons: Map<string, ViewRecord>;
  entities: Map<string, ViewRecord>;
  /** A connection of its own for one extract (a DuckDB connection runs one query at a time). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** Dates as YYYY-MM-DD, decimals as numbers, provenance as JSON text parsed on demand. */
async function servingColumns(connection: DuckDBConnection, table: string): Promise<string> {
  const reader = await connection.runAndReadAll(`DESCRIBE ${ident(table)}`);
  return reader.getRowObjectsJS().map((row) => {
    const name = String(row.column_name);
    const type = String(row.column_type);
    if (name === 'provenance') return `to_json(${ident(name)})::VARCHAR AS ${ident(name)}`;
    if (type === 'DATE' || type.startsWith('TIMESTAMP')) return `CAST(${ident(name)} AS VARCHAR) AS ${ident(name)}`;
    if (type.startsWith('DECIMAL') || type === 'HUGEINT' || type === 'BIGINT') return `CAST(${ident(name)} AS DOUBLE) AS ${ident(name)}`;
    return ident(name);
  }).join(', ');
}

async function loadMap(connection: DuckDBConnection, table: string, key: string): Promise<Map<string, ViewRecord>> {
  const reader = await connection.runAndReadAll(`SELECT ${await servingColumns(connection, table)} FROM ${ident(table)}`);
  const map = new Map<string, ViewRecord>();
  for (const row of reader.getRowObjectsJS()) map.set(String(row[key]), Object.freeze(row) as ViewRecord);
  return map;
}

export async function loadSnapshot(dataDir: string, pointer: SnapshotPointer): Promise<ServingSnapshot> {
  const instance = await DuckDBInstance.create(join(publishedDir(dataDir), pointer.file), { access_mode: 'READ_ONLY', threads: '2' });
  const connection = await instance.connect();
  const persons = await loadMap(connection, 'population', 'id_number');
  const entities = await loadMap(connection, 'legal_entity', 'uscc');
  connection.closeSync();
  return {
    pointer, persons, entities,
    connect: () => instance.connect(),
    close: () => instance.closeSync(),
  };
}

export class SnapshotHolder {
  private snapshot?: ServingSnapshot;
  private loading?: Promise<void>;
  private watching = false;

  constructor(readonly dataDir: string, private readonly log: (message: string) => void = () => undefined) {}

  current(): ServingSnapshot | undefined {
    return this.snapshot;
  }

  /** Load the snapshot CURRENT.json names, if it is not the one being served. */
  async refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const pointer = readPointer(this.dataDir);
        if (!pointer || pointer.file === this.snapshot?.pointer.file) return;
        const next = await loadSnapshot(this.dataDir, pointer);
        const previous = this.snapshot;
        this.snapshot = next;
        this.log(`serving ${pointer.period} (${next.persons.size} persons, ${next.entities.size} entities)`);
        // Requests that started on the previous snapshot finish on it; extracts get a minute.
        if (previous) setTimeout(() => previous.close(), 60_000).unref();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Follow CURRENT.json: a new publication is served without a restart. */
  watch(intervalMs = 500): void {
    if (this.watching) return;
    this.watching = true;
    watchFile(join(publishedDir(this.dataDir), 'CURRENT.json'), { interval: intervalMs }, () => {
      this.refresh().catch((error: unknown) => this.log(`could not load the new snapshot: ${(error as Error).message}`));
    });
  }

  close(): void {
    if (this.watching) unwatchFile(join(publishedDir(this.dataDir), 'CURRENT.json'));
    this.snapshot?.close();
    this.snapshot = undefined;
  }
}
