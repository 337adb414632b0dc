/**
 * The published snapshot being served: each view held in memory as a ColumnView (a map from ID
 * number or USCC to row over flat columns), so a lookup is a map read rather than a query (a
 * DuckDB point query costs about a millisecond). The snapshot's DuckDB file stays open read-only for bulk extracts.
 * When CURRENT.json moves, the next snapshot is loaded beside the current one and swapped in;
 * requests in flight keep the one they started with.
 */
import { openDuckDB } from '../store/duckdb.js';
import { join } from 'node:path';
import { unwatchFile, watchFile } from 'node:fs';
import { type DuckDBConnection } from '@duckdb/node-api';
import { ColumnView } from './columnView.js';
import { publishedDir, readPointer, type SnapshotPointer } from './publishedSnapshot.js';

export interface ServingSnapshot {
  pointer: SnapshotPointer;
  persons: ColumnView;
  entities: ColumnView;
  /** A connection of its own for one extract (a DuckDB connection runs one query at a time). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

export async function loadSnapshot(dataDir: string, pointer: SnapshotPointer): Promise<ServingSnapshot> {
  const instance = await openDuckDB(join(publishedDir(dataDir), pointer.file), { access_mode: 'READ_ONLY', threads: '2' });
  const connection = await instance.connect();
  const persons = await ColumnView.load(connection, 'population', 'id_number');
  const entities = await ColumnView.load(connection, 'legal_entity', 'uscc');
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
        this.log(`serving ${pointer.period} (${next.persons.size} persons, ${next.entities.size} entities, ${Math.round((next.persons.memoryBytes + next.entities.memoryBytes) / 2 ** 20)} MiB of columns)`);
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
