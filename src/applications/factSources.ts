/**
 * Where application facts come from: the published snapshot's DuckDB file (the population
 * register and the real-estate titles), each record with its source, so a decision can say
 * which department's record, in which file and line, each fact came from.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { catalogResource } from '../share/catalog.js';
import type { FactSourceName } from './applicationType.js';

export interface FactRecord {
  value: Record<string, unknown>;
  /** Where a field of the record came from. */
  sourceOf(field: string): Record<string, unknown>;
}

export type FactSources = Record<FactSourceName, (key: string) => Promise<FactRecord | undefined>>;

async function oneJson(connection: DuckDBConnection, sql: string, key: string): Promise<Record<string, unknown> | undefined> {
  const reader = await connection.runAndReadAll(sql, [key]);
  const row = reader.getRowObjectsJS()[0];
  return row ? (JSON.parse(String(row.j)) as Record<string, unknown>) : undefined;
}

export function snapshotFactSources(connection: DuckDBConnection, period: string): FactSources {
  const groups = new Map((catalogResource('population')?.fields ?? []).map((f) => [f.name, f.group ?? 'identity']));
  return {
    person: async (id) => {
      const record = await oneJson(connection, `SELECT to_json(p)::VARCHAR AS j FROM population AS p WHERE id_number = ?`, id);
      if (!record) return undefined;
      const provenance = (record.provenance ?? {}) as Record<string, Record<string, unknown> | null>;
      const { provenance: _p, ...value } = record;
      return {
        value,
        // No provenance for a group means no department holds such a record (e.g. no death recorded): that absence is the fact.
        sourceOf: (field) => ({ register: 'population', period, ...(provenance[groups.get(field) ?? 'identity'] ?? { department: null, note: `no ${groups.get(field) ?? 'identity'} record in any department` }) }),
      };
    },
    property_title: async (certificate) => {
      const exists = await connection.runAndReadAll(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'property_title'`);
      if (Number(exists.getRowObjectsJS()[0]!.n) === 0) throw new Error('the published snapshot has no property titles (published by an older version): publish the period again');
      const record = await oneJson(connection, `SELECT to_json(t)::VARCHAR AS j FROM property_title AS t WHERE certificate_number = ?`, certificate);
      if (!record) return undefined;
      const { batch_id: batch, file, line, department, ...value } = record;
      return { value, sourceOf: () => ({ register: 'property_title', period, department: department ?? null, batch, file, line }) };
    },
  };
}
