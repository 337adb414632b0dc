/**
 * The serving structure: the published snapshot held in memory as Arrow record batches, with a
 * map per view from ID number or USCC to row, so a lookup is a map read rather than a query (a
 * DuckDB point query costs about a millisecond). The snapshot's DuckDB file stays open read-only for bulk extracts.
 * When CURRENT.json moves, the next snapshot is loaded beside the current one and swapped in;
 * requests in flight keep the one they started with.
 */
import { join } from 'node:path';
import { unwatchFile, watchFile } from 'node:fs';
import { DuckDBInstance, quotedIdentifier as ident, type DuckDBConnection } from '@duckdb/node-api';
import { RecordBatchReader, Table, type RecordBatch } from 'apache-arrow';
import { arrowStreamFromQuery } from '../extracts/arrowStream.js';
import { publishedDir, readPointer, type SnapshotPointer } from './publishedSnapshot.js';

export type ViewRecord = Record<string, unknown> & { provenance?: string };

export interface ServingSnapshot {
  pointer: SnapshotPointer;
  persons: ArrowView;
  entities: ArrowView;
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

/**
 * A view held as Arrow record batches (columnar, a few hundred bytes a person) with a map from
 * key to row. A lookup reads only the fields it needs from the row.
 */
export class ArrowView {
  private constructor(private readonly table: Table, private readonly index: Map<string, number>) {}

  static async load(connection: DuckDBConnection, table: string, key: string): Promise<ArrowView> {
    const stream = arrowStreamFromQuery(connection, `SELECT ${await servingColumns(connection, table)} FROM ${ident(table)}`);
    const batches: RecordBatch[] = [];
    for await (const batch of await RecordBatchReader.from(stream as AsyncIterable<Uint8Array>)) batches.push(batch);
    const arrow = new Table(batches);
    const keys = arrow.getChild(key)!;
    const index = new Map<string, number>();
    for (let i = 0; i < arrow.numRows; i++) index.set(String(keys.get(i)), i);
    return new ArrowView(arrow, index);
  }

  get size(): number {
    return this.index.size;
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** The row as Arrow's struct row: a field is decoded only when read. */
  get(key: string): ViewRecord | undefined {
    const row = this.index.get(key);
    return row === undefined ? undefined : (this.table.get(row) as unknown as ViewRecord);
  }
}

export async function loadSnapshot(dataDir: string, pointer: SnapshotPointer): Promise<ServingSnapshot> {
  const instance = await DuckDBInstance.create(join(publishedDir(dataDir), pointer.file), { access_mode: 'READ_ONLY', threads: '2' });
  const connection = await instance.connect();
  const persons = await ArrowView.load(connection, 'population', 'id_number');
  const entities = await ArrowView.load(connection, 'legal_entity', 'uscc');
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
