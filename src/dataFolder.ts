/**
 * What a data folder (`--data DIR`) holds, in one place: the backup copies it by these entries,
 * and docs/operations.md describes them.
 */
import { join } from 'node:path';

export const DATA_FOLDER = {
  /** The DuckDB warehouse (one writer at a time), and its WAL. */
  warehouse: 'warehouse.duckdb',
  /** DuckDB's spill files and staged department files: scratch, never backed up. */
  scratch: 'tmp',
  /** Published snapshots and CURRENT.json, the pointer the API follows. */
  published: 'published',
  /** Audit chains: hash-chained JSON lines, one file per API process, append-only. */
  audit: 'audit',
  /** Clients, grants and subscriptions (written under access.lock). */
  access: 'access',
  /** The webhook signing key. */
  keys: 'keys',
  /** Steward reports exported for the API and the console. */
  reports: 'reports',
  /** Steward decisions on ID repairs. */
  decisions: 'decisions',
  /** Cross-check cases across periods. */
  cases: 'cases',
  /** Application review decisions. */
  applications: 'applications',
  /** Each period's run, steps and publication records. */
  cycles: 'cycles',
  /** The data folder's own id, naming its queue. */
  exchangeId: 'exchange.json',
} as const;

export type DataFolderEntry = keyof typeof DATA_FOLDER;

export function dataPath(dataDir: string, entry: DataFolderEntry, ...rest: string[]): string {
  return join(dataDir, DATA_FOLDER[entry], ...rest);
}

/** Files only ever appended to, line by line: a copy taken while they grow is cut at its last whole line. */
export function isAppendOnly(file: string): boolean {
  return file.endsWith('.log') || file.endsWith('.jsonl');
}
