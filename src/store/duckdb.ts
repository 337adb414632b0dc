/**
 * Every DuckDB database the exchange opens is opened here, with one safety baseline:
 * - no extension is installed or loaded behind our back (a query naming a function of an extension
 *   not built in fails rather than fetching code from the network at run time);
 * - times are UTC, whatever the host's time zone, so a TIMESTAMP written by one machine reads the
 *   same on another (and publication times compare as the ISO strings the records hold).
 */
import { DuckDBInstance } from '@duckdb/node-api';

export const DUCKDB_SAFETY_BASELINE: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/** A DuckDB instance with the baseline; `options` are DuckDB's own settings (threads, memory_limit, access_mode…). */
export async function openDuckDB(path: string, options: Record<string, string> = {}): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(path, { ...options, ...DUCKDB_SAFETY_BASELINE });
  // TimeZone is ICU's setting, not an open option; GLOBAL makes it every later connection's.
  const connection = await instance.connect();
  try {
    await connection.run(`SET GLOBAL TimeZone = 'UTC'`);
  } finally {
    connection.closeSync();
  }
  return instance;
}
