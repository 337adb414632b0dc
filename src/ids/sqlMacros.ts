/**
 * The DuckDB twins of the identifier functions (pipelines/macros/identifiers.sql): dx_clean_identifier,
 * dx_resident_id_check_char, dx_normalise_resident_id, dx_resident_id_problem, dx_uscc_check_char,
 * dx_uscc_problem, dx_disability_certificate_problem.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PIPELINES_DIR } from '../paths.js';

// From the project root, so that it is found from src/ (tsx) and from dist/src/ (built) alike.
const MACROS_FILE = join(PIPELINES_DIR, 'macros', 'identifiers.sql');

/** The file's statements, split on semicolons at line ends; comment-only pieces left out. */
export function identifierMacrosSql(): string[] {
  const text = readFileSync(MACROS_FILE, 'utf8').replace(/\r\n/g, '\n');
  return text
    .split(/;\s*\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.replace(/^\s*--.*$/gm, '').trim() !== '');
}

/** Create (or replace) the identifier macros on a connection. */
export async function installIdentifierMacros(connection: DuckDBConnection): Promise<void> {
  for (const statement of identifierMacrosSql()) await connection.run(statement);
}
