/**
 * The exact subjects of an extract, stored as a subject list (subjectList.ts) before the extract is
 * answered, so that the extract's audit record names every person or company whose row left in it.
 * `keySql` selects the extract's key column over exactly the extract's rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { storeSubjectList } from './subjectList.js';

export async function storeExtractSubjects(auditDir: string, connection: DuckDBConnection, keySql: string, params: Record<string, string>): Promise<string> {
  const reader = await connection.runAndReadAll(keySql, params);
  const keys = (reader.getColumnsJS()[0] ?? []).filter((k): k is string => typeof k === 'string');
  return storeSubjectList(auditDir, keys);
}
