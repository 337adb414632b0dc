/**
 * The published snapshot being served: each view answered from its served file (servedFile.ts,
 * mappedView.ts), read through the page cache that every API process on the machine shares, so a
 * lookup is an index probe and a record read rather than a query (a DuckDB point query costs about a
 * millisecond), a process holds only what its lookups read, and opening a snapshot reads two headers
 * however many persons it holds. The snapshot's DuckDB file stays open read-only for bulk extracts.
 *
 * When CURRENT.json moves, the next snapshot is opened beside the current one and swapped in;
 * requests in flight keep the one they started with (its files stay open until it is closed).
 *
 * DX_SERVING_FORMAT=loaded loads every view into this process instead (LoadedColumnView), the way
 * snapshots were served before served files: the baseline the serving bench compares against.
 */
import { config } from '../config.js';
import { openDuckDB } from '../store/duckdb.js';
import { join } from 'node:path';
import { unwatchFile, watchFile } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LoadedColumnView, type ColumnView } from './columnView.js';
import { MappedView } from './mappedView.js';
import { publishedDir, readPointer, type SnapshotPointer } from './publishedSnapshot.js';
import { ensureServedFiles, servedFilePath } from './servedFile.js';

export type ServingFormat = 'mapped' | 'loaded';

export function servingFormat(): ServingFormat {
  return config().DX_SERVING_FORMAT as ServingFormat;
}

export interface ServingSnapshot {
  pointer: SnapshotPointer;
  persons: ColumnView;
  entities: ColumnView;
  /** A connection of its own for one extract (a DuckDB connection runs one query at a time). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

async function loadedViews(instance: DuckDBInstance): Promise<{ persons: ColumnView; entities: ColumnView; close(): void }> {
  const connection = await instance.connect();
  const persons = await LoadedColumnView.load(connection, 'population', 'id_number');
  const entities = await LoadedColumnView.load(connection, 'legal_entity', 'uscc');
  connection.closeSync();
  return { persons, entities, close: () => undefined };
}

/** The served files of a snapshot, written first if it was published before they existed. */
async function mappedViews(snapshotPath: string): Promise<{ persons: ColumnView; entities: ColumnView; close(): void }> {
  await ensureServedFiles(snapshotPath);
  const persons = MappedView.open(servedFilePath(snapshotPath, 'population'));
  try {
    const entities = MappedView.open(servedFilePath(snapshotPath, 'legal_entity'));
    return { persons, entities, close: () => { persons.close(); entities.close(); } };
  } catch (error) {
    persons.close();
    throw error;
  }
}

export async function loadSnapshot(dataDir: string, pointer: SnapshotPointer, format: ServingFormat = servingFormat()): Promise<ServingSnapshot> {
  const path = join(publishedDir(dataDir), pointer.file);
  const views = format === 'mapped' ? await mappedViews(path) : undefined;
  const instance = await openDuckDB(path, { access_mode: 'READ_ONLY', threads: '2' });
  const { persons, entities, close } = views ?? await loadedViews(instance);
  return {
    pointer, persons, entities,
    connect: () => instance.connect(),
    close: () => { close(); instance.closeSync(); },
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
        this.log(`serving ${pointer.period} (${next.persons.size} persons, ${next.entities.size} entities, ${Math.round((next.persons.memoryBytes + next.entities.memoryBytes) / 2 ** 20)} MiB held)`);
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
