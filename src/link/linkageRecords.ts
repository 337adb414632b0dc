/**
 * The records to link, loaded into one DuckDB table `records`: the row number `__row`, the source
 * (0 for the first file, 1 for the second), the record id `__id`, and every configured column
 * as trimmed text with missing values as NULL. Bad input is refused here, with the file named.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import { configuredColumns, type LinkageConfig } from './linkageConfig.js';
import { quoteIdentifier, quoteLiteral } from './sqlText.js';

export class LinkageInputError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'LinkageInputError';
  }
}

export interface LoadedRecords {
  files: string[];
  counts: number[];
  warnings: string[];
}

/** A UTF-8 copy of a CSV in another encoding (DuckDB reads UTF-8 only without an extension). */
function utf8Copy(file: string, encoding: LinkageConfig['input']['encoding'], dir: string, index: number): string {
  if (encoding === 'utf-8') return file;
  const bytes = readFileSync(file);
  const text = encoding === 'utf-8-bom' ? bytes.toString('utf8').replace(/^\uFEFF/, '') : iconv.decode(bytes, encoding);
  const copy = join(dir, `input${index}.csv`);
  writeFileSync(copy, text);
  return copy;
}

function sourceSql(path: string, config: LinkageConfig): string {
  const format = config.input.format ?? (extname(path).toLowerCase() === '.parquet' ? 'parquet' : 'csv');
  if (format === 'parquet') return `read_parquet(${quoteLiteral(path)})`;
  return `read_csv(${quoteLiteral(path)}, delim=${quoteLiteral(config.input.delimiter)}, header=true, all_varchar=true, auto_detect=true, null_padding=true)`;
}

async function columnsOf(connection: DuckDBConnection, table: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${quoteIdentifier(table)})`);
  return reader.getRows().map((r) => String(r[0]));
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<unknown> {
  return (await connection.runAndReadAll(sql)).getRows()[0]?.[0];
}

/** No bytes but white space in the file's first kilobytes: no header, nothing to read. */
function isBlankText(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trim() === '';
  } finally {
    closeSync(fd);
  }
}

/** Read one file into a raw table, refusing what cannot be linked. Returns its row count. */
async function stageFile(connection: DuckDBConnection, file: string, path: string, table: string, config: LinkageConfig): Promise<number> {
  if (!sourceSql(path, config).startsWith('read_parquet') && isBlankText(path)) throw new LinkageInputError(file, 'is empty: no header and no records');
  try {
    await connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(table)} AS SELECT * FROM ${sourceSql(path, config)}`);
  } catch (error) {
    const message = (error as Error).message;
    if (/empty|no columns|0 columns/i.test(message)) throw new LinkageInputError(file, 'is empty: no header and no records');
    throw new LinkageInputError(file, `cannot be read: ${message.split('\n')[0]}`);
  }
  const columns = await columnsOf(connection, table);
  if (!columns.includes(config.idColumn)) {
    throw new LinkageInputError(file, `has no id column "${config.idColumn}" (its columns: ${columns.join(', ')})`);
  }
  const missing = configuredColumns(config).filter((c) => !columns.includes(c));
  if (missing.length) throw new LinkageInputError(file, `the config names column(s) ${missing.map((c) => `"${c}"`).join(', ')} that the file does not have (its columns: ${columns.join(', ')})`);
  const rows = Number(await scalar(connection, `SELECT count(*) FROM ${quoteIdentifier(table)}`));
  if (rows === 0) throw new LinkageInputError(file, 'is empty: a header but no records');
  return rows;
}

/** The expression for a column's clean value: trimmed text, NULL for empty and configured missing values. */
function cleanValue(column: string, config: LinkageConfig): string {
  const trimmed = `trim(CAST(${quoteIdentifier(column)} AS VARCHAR))`;
  const missing = ['', ...config.input.missingValues].map(quoteLiteral).join(', ');
  return `CASE WHEN ${trimmed} IN (${missing}) THEN NULL ELSE ${trimmed} END`;
}

async function refuseBadIds(connection: DuckDBConnection, files: string[]): Promise<void> {
  const missing = (await connection.runAndReadAll('SELECT __source, __row_in_file FROM records WHERE __id IS NULL ORDER BY __row LIMIT 1')).getRows()[0];
  if (missing) throw new LinkageInputError(files[Number(missing[0])]!, `record ${Number(missing[1]) + 1} has no id`);
  const duplicate = (await connection.runAndReadAll('SELECT __source, __id, count(*) FROM records GROUP BY __source, __id HAVING count(*) > 1 ORDER BY min(__row) LIMIT 1')).getRows()[0];
  if (duplicate) {
    const total = Number(await scalar(connection, 'SELECT count(*) FROM (SELECT 1 FROM records GROUP BY __source, __id HAVING count(*) > 1)'));
    throw new LinkageInputError(files[Number(duplicate[0])]!, `duplicate record id "${String(duplicate[1])}" (${Number(duplicate[2])} records)${total > 1 ? ` and ${total - 1} more duplicated id(s)` : ''}: record ids must be unique`);
  }
}

async function allNullWarnings(connection: DuckDBConnection, config: LinkageConfig, files: string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const column of new Set(config.comparisons.map((c) => c.column))) {
    for (let source = 0; source < files.length; source++) {
      const present = Number(await scalar(connection, `SELECT count(${quoteIdentifier(column)}) FROM records WHERE __source = ${source}`));
      if (present === 0) warnings.push(`${files[source]}: comparison column "${column}" is empty in every record; it cannot tell records apart`);
    }
  }
  return warnings;
}

/** Load one file (deduplicate) or two (link across) into `records`. */
export async function loadLinkageRecords(connection: DuckDBConnection, files: string[], config: LinkageConfig): Promise<LoadedRecords> {
  const dir = mkdtempSync(join(tmpdir(), 'dx-link-'));
  try {
    const counts: number[] = [];
    for (const [index, file] of files.entries()) {
      const isParquet = (config.input.format ?? (extname(file).toLowerCase() === '.parquet' ? 'parquet' : 'csv')) === 'parquet';
      counts.push(await stageFile(connection, file, isParquet ? file : utf8Copy(file, config.input.encoding, dir, index), `raw_${index}`, config));
    }
    const columns = configuredColumns(config).filter((c) => c !== config.idColumn);
    const selects = files.map((_, index) => `SELECT ${index} AS __source, row_number() OVER () - 1 AS __row_in_file, ${cleanValue(config.idColumn, config)} AS __id${columns.map((c) => `, ${cleanValue(c, config)} AS ${quoteIdentifier(c)}`).join('')} FROM raw_${index}`);
    await connection.run(`CREATE OR REPLACE TABLE records AS SELECT (row_number() OVER (ORDER BY __source, __row_in_file) - 1)::INTEGER AS __row, * FROM (${selects.join(' UNION ALL ')})`);
    for (const index of files.keys()) await connection.run(`DROP TABLE raw_${index}`);
    await refuseBadIds(connection, files);
    return { files, counts, warnings: await allNullWarnings(connection, config, files) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
