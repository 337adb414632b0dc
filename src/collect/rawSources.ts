/**
 * A department file as a raw DuckDB source: a table expression giving `__line` (the physical
 * line, or the row number in a Parquet file) and the department's columns as text. CSV and
 * JSON Lines go through the staging pass first; Parquet is read directly. The source is scanned
 * once, by the typed read.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { Connector } from '../connectors/manifest.js';
import { filterColumns } from '../connectors/rowFilter.js';
import type { Warehouse } from '../store/warehouse.js';
import { splitCsvLine } from './csvLine.js';
import type { StagedSource } from './stageSources.js';
import { JSONL_SEPARATOR, SourceFileError, type EarlyQuarantine } from './stageTextFile.js';

export interface RawFile {
  file: string;
  sha256: string;
  bytes: number;
  rowsRead: number;
  blankLines: number;
  /** A table expression over the file: `__line` and the columns of `rawColumns`. */
  fromSql: string;
  /** Raw columns the row's raw line is rebuilt from, for the quarantine. */
  rawColumns: string[];
  /** Raw columns the typed table keeps beside the values (for afterScan). */
  keptColumns: string[];
  /** rowsRead is not known before the scan (Parquet): count the typed rows. */
  countsAfterScan: boolean;
  /** Refuses the file once typed, e.g. when no row has a mapped key. */
  afterScan?: (warehouse: Warehouse, typedTable: string) => Promise<void>;
  /** DuckDB's own rejects (rows with the wrong number of columns), and the staged file's separator. */
  rejectsTable?: string;
  stagedDelimiter?: string;
  early: EarlyQuarantine[];
  /** SQL for a department column's text over the source. */
  column: (name: string) => string;
  /** SQL over `rawColumns` reconstructing the row as text, for the quarantine. */
  rawLine: string;
  /** SQL giving a reason the whole row is unreadable (e.g. invalid JSON), or null. */
  rowProblem: string | null;
}

/** The columns a connector reads from each row. */
export function mappedColumns(connector: Connector): string[] {
  return [...new Set([...connector.readers.flatMap((r) => r.columns), ...filterColumns(connector.filter)])];
}


function missingColumnsError(connector: Connector, file: string, found: string[], hint = ''): SourceFileError | null {
  const missing = [
    ...connector.readers.flatMap((r) => r.columns.filter((c) => !found.includes(c)).map((c) => `"${c}" (for ${r.field.name})`)),
    ...filterColumns(connector.filter).filter((c) => !found.includes(c)).map((c) => `"${c}" (for the filter)`),
  ];
  if (missing.length === 0) return null;
  const unique = [...new Set(missing)];
  return new SourceFileError(file, `mapped column${unique.length > 1 ? 's' : ''} ${unique.join(', ')} not in the header; the header has: ${found.join(', ')}${hint}`, 1);
}

/** Staging has already set aside longer lines; the staged copy is UTF-8 (up to 1.5× GB18030's bytes) behind a line number. */
const duckdbLineSize = (connector: Connector): number => 2 * connector.source.maxLineBytes + 64;

const LIKELY_DELIMITERS = [',', ';', '\t', '|', '，'];
const shownDelimiter = (d: string): string => (d === '\t' ? 'a tab' : `"${d}"`);

/** When another delimiter splits the header into the mapped columns, say so. */
export function delimiterHint(connector: Connector, headerLine: string): string {
  const wanted = mappedColumns(connector);
  const declared = connector.source.delimiter;
  const found = (d: string) => splitCsvLine(headerLine, d, connector.source.quote).map((c) => c.trim());
  const declaredHits = wanted.filter((c) => found(declared).includes(c)).length;
  for (const d of LIKELY_DELIMITERS.filter((x) => x !== declared)) {
    const cells = found(d);
    if (cells.length > 1 && wanted.filter((c) => cells.includes(c)).length > declaredHits) {
      return ` (the header splits into ${cells.length} cells at ${shownDelimiter(d)}, ${found(declared).length} at ${shownDelimiter(declared)}: is source.delimiter wrong?)`;
    }
  }
  return '';
}

let tableCounter = 0;
const nextName = (kind: string): string => `${kind}_${process.pid}_${++tableCounter}`;

function reconstructLine(columns: string[], delimiter: string): string {
  const cells = columns.map((c) => {
    const v = `coalesce(${c}, '')`;
    return `CASE WHEN contains(${v}, ${str(delimiter)}) OR contains(${v}, '"') THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END`;
  });
  return `concat_ws(${str(delimiter)}, ${cells.join(', ')})`;
}

export function readCsv(connector: Connector, source: StagedSource): RawFile {
  const { delimiter, quote } = connector.source;
  const { file } = source;
  const staged = source.text!;
  const stagedPath = staged.stagedPath;
  const header = splitCsvLine(staged.headerLine!, delimiter, quote).map((cell) => cell.trim());
  const problem = missingColumnsError(connector, file, header, (staged.encodingHint ?? '') + delimiterHint(connector, staged.headerLine!));
  if (problem) throw problem;
  const positional = header.map((_, i) => `c${i}`);
  const columnTypes = [`'__line': 'BIGINT'`, ...positional.map((c) => `${str(c)}: 'VARCHAR'`)].join(', ');
  const rejectsTable = nextName('rejects');
  const fromSql = `read_csv(${str(stagedPath)}, header = true, auto_detect = false,
       delim = ${str(delimiter)}, quote = ${str(quote)}, escape = ${str(quote)}, new_line = '\\n', strict_mode = true,
       columns = {${columnTypes}}, store_rejects = true, rejects_table = ${str(rejectsTable)}, rejects_scan = ${str(rejectsTable + '_scan')},
       max_line_size = ${duckdbLineSize(connector)})`;
  const indexOf = (name: string): number => header.indexOf(name);
  return {
    file,
    sha256: staged.sha256,
    bytes: staged.bytes,
    rowsRead: staged.rowsRead,
    blankLines: staged.blankLines,
    fromSql,
    rawColumns: positional,
    keptColumns: [],
    countsAfterScan: false,
    rejectsTable,
    stagedDelimiter: delimiter,
    early: staged.early,
    column: (name) => ident(`c${indexOf(name)}`),
    rawLine: reconstructLine(positional.map((c) => ident(c)), delimiter),
    rowProblem: null,
  };
}

export function readJsonLines(connector: Connector, source: StagedSource): RawFile {
  const { file } = source;
  const staged = source.text!;
  const stagedPath = staged.stagedPath;
  const columns = mappedColumns(connector);
  const paths = columns.map((key) => str(`$.${JSON.stringify(key)}`));
  const keyColumns = columns.map((_, i) => `c${i}`);
  const rejectsTable = nextName('rejects');
  // Each line is parsed once: every mapped key is extracted in one call.
  const fromSql = `(SELECT __line, __json, __ok, ${keyColumns.map((c, i) => `__values[${i + 1}] AS ${ident(c)}`).join(', ')} FROM (
       SELECT __line, __json, __ok, json_extract_string(CASE WHEN __ok THEN __json END, [${paths.join(', ')}]) AS __values FROM (
         SELECT __line, __json, json_valid(__json) AND starts_with(ltrim(__json), '{') AS __ok
         FROM read_csv(${str(stagedPath)}, header = true, auto_detect = false, delim = ${str(JSONL_SEPARATOR)}, quote = '', escape = '',
           new_line = '\\n', strict_mode = true, columns = {'__line': 'BIGINT', '__json': 'VARCHAR'}, max_line_size = ${duckdbLineSize(connector)},
           store_rejects = true, rejects_table = ${str(rejectsTable)}, rejects_scan = ${str(rejectsTable + '_scan')}))))`;
  return {
    file,
    sha256: staged.sha256,
    bytes: staged.bytes,
    rowsRead: staged.rowsRead,
    blankLines: staged.blankLines,
    fromSql,
    rawColumns: ['__json', ...keyColumns],
    keptColumns: keyColumns,
    countsAfterScan: false,
    afterScan: async (warehouse, typedTable) => {
      if (staged.rowsRead === 0) return;
      const presence = await warehouse.one<Record<string, number>>(`SELECT ${keyColumns.map((c, i) => `count(${ident(c)}) AS k${i}`).join(', ')} FROM ${ident(typedTable)}`);
      const found = columns.filter((_, i) => (presence?.[`k${i}`] ?? 0) > 0);
      const problem = missingColumnsError(connector, file, found);
      if (problem) throw new SourceFileError(file, problem.message.replace(`${file} line 1: `, '').replace('not in the header; the header has', 'in no row; the rows have'));
    },
    rejectsTable,
    stagedDelimiter: JSONL_SEPARATOR,
    early: staged.early,
    column: (name) => ident(`c${columns.indexOf(name)}`),
    rawLine: '__json',
    rowProblem: `CASE WHEN NOT __ok THEN 'row: not a JSON object (the line is not valid JSON)' END`,
  };
}

export async function readParquet(warehouse: Warehouse, connector: Connector, source: StagedSource): Promise<RawFile> {
  const { file, path } = source;
  const { sha256, bytes } = source.parquet!;
  let described: { column_name: string }[];
  try {
    described = await warehouse.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${str(path)})`);
  } catch (error) {
    throw new SourceFileError(file, `not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`);
  }
  const header = described.map((d) => d.column_name);
  const problem = missingColumnsError(connector, file, header);
  if (problem) throw new SourceFileError(file, problem.message.replace(`${file} line 1: `, '').replace('header', 'Parquet schema'));
  const columns = mappedColumns(connector);
  const keyColumns = columns.map((_, i) => `c${i}`);
  const fromSql = `(SELECT file_row_number + 1 AS __line, ${columns.map((c, i) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(keyColumns[i]!)}`).join(', ')}
       FROM read_parquet(${str(path)}, file_row_number = true))`;
  return {
    file,
    sha256,
    bytes,
    rowsRead: 0,
    blankLines: 0,
    fromSql,
    rawColumns: keyColumns,
    keptColumns: [],
    countsAfterScan: true,
    early: [],
    column: (name) => ident(`c${columns.indexOf(name)}`),
    rawLine: reconstructLine(keyColumns.map((c) => ident(c)), ','),
    rowProblem: null,
  };
}
