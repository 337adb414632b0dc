/**
 * What the pre-payment check and application review need to know about persons, read from the
 * published snapshot's DuckDB file (never the warehouse): register status, and each death with
 * the earliest date attested and every department's record.
 */
import { openDuckDB } from '../store/duckdb.js';
import { type DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { publishedDir, readPointer, type SnapshotPointer } from '../share/publishedSnapshot.js';

export interface PersonFacts {
  idNumber: string;
  registerStatus: string;
  deathDate: string | null;
  attestedBy: string[];
  deathEvidence: Array<Record<string, unknown>>;
}

export type PersonFactsLookup = (ids: string[]) => Promise<Map<string, PersonFacts>>;

async function hasTable(connection: DuckDBConnection, table: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?`, [table]);
  return Number(reader.getRowObjectsJS()[0]!.n) > 0;
}

/** Look persons up in a snapshot file through `connection` (one query for the whole list). */
export function snapshotPersonFacts(connection: DuckDBConnection): PersonFactsLookup {
  return async (ids) => {
    if (!(await hasTable(connection, 'death_evidence'))) {
      throw new Error('the published snapshot has no death evidence (published by an older version): publish the period again');
    }
    const reader = await connection.runAndReadAll(
      `SELECT p.id_number, p.register_status, CAST(d.death_date AS VARCHAR) AS death_date, d.attested_by, d.evidence
       FROM population AS p LEFT JOIN death_evidence AS d ON d.id = p.id_number
       WHERE p.id_number IN (SELECT unnest(from_json(?::JSON, '["VARCHAR"]')))`, [JSON.stringify([...new Set(ids)])]);
    const facts = new Map<string, PersonFacts>();
    for (const row of reader.getRowObjectsJS()) {
      facts.set(String(row.id_number), {
        idNumber: String(row.id_number),
        registerStatus: String(row.register_status),
        deathDate: (row.death_date as string | null) ?? null,
        attestedBy: (row.attested_by as string[] | null) ?? [],
        deathEvidence: row.evidence ? (JSON.parse(String(row.evidence)) as Array<Record<string, unknown>>) : [],
      });
    }
    return facts;
  };
}

/** For the CLI: open the current published snapshot read-only for the duration of `work`. */
export async function withPublishedSnapshot<T>(dataDir: string, work: (connection: DuckDBConnection, pointer: SnapshotPointer) => Promise<T>): Promise<T> {
  const pointer = readPointer(dataDir);
  if (!pointer) throw new Error(`nothing is published in ${dataDir}: publish a period first (dx cycle / dx publish)`);
  const instance = await openDuckDB(join(publishedDir(dataDir), pointer.file), { access_mode: 'READ_ONLY', threads: '2' });
  const connection = await instance.connect();
  try {
    return await work(connection, pointer);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
