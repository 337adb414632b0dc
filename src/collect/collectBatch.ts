/**
 * One connector's batch for one period: every matching file read, each row either loaded into
 * the canonical table with its lineage or quarantined with its reason, all in one transaction
 * that replaces whatever that period's batch held before. rows read = loaded + quarantined,
 * checked before commit.
 */
import { createHash } from 'node:crypto';
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { Connector } from '../connectors/manifest.js';
import type { Warehouse } from '../store/warehouse.js';
import { canonicalColumns, ensureCanonicalTable } from './canonicalTables.js';
import { fieldSql, sourceColumn, textColumn, valueColumn } from './fieldExpressions.js';
import { filterSql } from './rowFilterSql.js';
import { referencePeriodSql } from './referencePeriodSql.js';
import { rejectRankSql, rejectReasonSql } from './rejectReasons.js';
import { compareControlTotals, type ControlRow } from './controlTotals.js';
import { readCsv, readJsonLines, readParquet, type RawFile } from './rawSources.js';
import { SourceFileError } from './stageTextFile.js';
import { removeStaged, stageSources, type StagedSource } from './stageSources.js';
import { traced } from '../trace.js';

export interface FileAccount {
  file: string;
  sha256: string;
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  /** Rows the manifest's filter leaves out: rows read = loaded + quarantined + filtered. */
  rowsFiltered: number;
  blankLines: number;
}

export interface BatchResult {
  batchId: string;
  connector: string;
  period: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsFiltered: number;
  files: FileAccount[];
}

async function readRaw(warehouse: Warehouse, connector: Connector, source: StagedSource): Promise<RawFile> {
  switch (connector.source.format) {
    case 'csv': return readCsv(connector, source);
    case 'jsonl': return readJsonLines(connector, source);
    case 'parquet': return readParquet(warehouse, connector, source);
  }
}

/**
 * The typed table of one file, read in one scan of the source: the raw columns, canonical
 * values, originals of identifiers, `__filtered` (the manifest's filter leaves the row out) and
 * `__error` (NULL when the row reads cleanly: else ONE reason, the first field that fails, with
 * a count of the others, since one stray delimiter makes every later cell fail). Three levels
 * so that each expression is computed once.
 */
async function typeRows(warehouse: Warehouse, connector: Connector, raw: RawFile, typedTable: string): Promise<void> {
  const pieces = connector.readers.map((r) => ({ reader: r, sql: fieldSql(r, raw.column, raw.file) }));
  const sources = pieces.flatMap((p) => (p.sql.source ? [`${p.sql.source} AS ${ident(sourceColumn(p.reader))}`] : []));
  const texts = pieces.map((p) => `${p.sql.text} AS ${ident(textColumn(p.reader))}`);
  const values = pieces.map((p) => `${p.sql.value} AS ${ident(valueColumn(p.reader))}`);
  const fieldErrors = pieces.flatMap((p) => [p.sql.derivationError, p.sql.error].filter((e): e is string => e !== null).map((e) => ({ field: p.reader.field.name, sql: e })));
  const firstError = fieldErrors.length > 0 ? `coalesce(${fieldErrors.map((e) => e.sql).join(', ')})` : 'CAST(NULL AS VARCHAR)';
  const others = fieldErrors.length > 1
    ? `CASE WHEN __field_error IS NOT NULL THEN list_filter([${fieldErrors.map((e) => `CASE WHEN (${e.sql}) IS NOT NULL THEN ${str(e.field)} END`).join(', ')}], x -> x IS NOT NULL) END`
    : 'CAST(NULL AS VARCHAR[])';
  // Only what the inserts need is kept: values, originals, and the raw line of a row that fails
  // (made only for those rows: a row that reads cleanly never needs its raw text again).
  const kept = [
    '__line', ...raw.keptColumns.map((c) => ident(c)), ...pieces.map((p) => ident(valueColumn(p.reader))),
    ...pieces.filter((p) => p.sql.keepOriginal).map((p) => ident(textColumn(p.reader))),
  ];
  await warehouse.run(`CREATE TEMP TABLE ${ident(typedTable)} AS
    SELECT ${kept.join(', ')}, __filtered, __error, CASE WHEN __error IS NOT NULL THEN ${raw.rawLine} END AS __raw_line FROM (
      SELECT *, CASE WHEN __filtered THEN NULL ELSE coalesce(__row_problem, __field_error
                   || CASE WHEN len(__failing) > 1 THEN ' (and ' || (len(__failing) - 1) || ' more: ' || array_to_string(__failing[2:], ', ') || '; are the cells shifted?)' ELSE '' END) END AS __error FROM (
        SELECT *, ${firstError} AS __field_error, ${others} AS __failing FROM (
          SELECT *, ${values.join(', ')} FROM (
            SELECT __line, ${raw.rawColumns.map((c) => ident(c)).join(', ')}, ${raw.rowProblem ?? 'CAST(NULL AS VARCHAR)'} AS __row_problem,
                   ${filterSql(connector.filter, raw.column)} AS __filtered, ${[...sources, ...texts].join(', ')}
            FROM ${raw.fromSql}
          )
        )
      )
    )`);
  if (raw.countsAfterScan) raw.rowsRead = (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${ident(typedTable)}`))?.n ?? 0;
  await raw.afterScan?.(warehouse, typedTable);
}

async function insertEarlyQuarantine(warehouse: Warehouse, batch: { batchId: string; period: string; connector: string }, raw: RawFile): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < raw.early.length; i += 200) {
    const rows = raw.early.slice(i, i + 200);
    const params = rows.flatMap((q) => [batch.batchId, batch.period, batch.connector, raw.file, q.line, q.stage, q.reason, q.raw]);
    inserted += await warehouse.change(
      `INSERT INTO quarantine (batch_id, period, connector, file, line, stage, field, reason, raw_line) VALUES ${rows.map(() => `(?, ?, ?, ?, ?, ?, NULL, ?, ?)`).join(', ')}`,
      params,
    );
  }
  return inserted;
}

async function deletePeriodBatch(warehouse: Warehouse, connector: Connector, period: string): Promise<void> {
  const key = [period, connector.id];
  await warehouse.run(`DELETE FROM ${ident(connector.schema.table)} WHERE _period = ? AND _connector = ?`, key);
  for (const table of ['quarantine', 'check_results', 'check_failures', 'batch_files', 'batch_controls', 'batches']) {
    await warehouse.run(`DELETE FROM ${ident(table)} WHERE period = ? AND connector = ?`, key);
  }
}

async function loadFile(warehouse: Warehouse, connector: Connector, batch: { batchId: string; period: string; connector: string }, raw: RawFile, typedTable: string): Promise<FileAccount> {
  const lineage = [str(batch.batchId), str(batch.period), referencePeriodSql(connector, batch.period), str(connector.id), str(connector.department), str(raw.file), '__line', str(raw.sha256)];
  const columns = canonicalColumns(connector);
  const selected = columns.map((c) => ident(c.source === 'value' ? valueColumn(c.reader) : textColumn(c.reader)));
  const loaded = await traced(`${raw.file} insert`, () => warehouse.change(
    `INSERT INTO ${ident(connector.schema.table)} (_batch_id, _period, _reference_period, _connector, _department, _file, _line, _file_sha256, ${columns.map((c) => ident(c.name)).join(', ')})
     SELECT ${[...lineage, ...selected].join(', ')} FROM ${ident(typedTable)} WHERE __error IS NULL AND NOT __filtered`,
  ));
  const batchColumns = `${str(batch.batchId)}, ${str(batch.period)}, ${str(connector.id)}, ${str(raw.file)}`;
  let quarantined = await warehouse.change(
    `INSERT INTO quarantine (batch_id, period, connector, file, line, stage, field, reason, raw_line)
     SELECT ${batchColumns}, __line, 'convert', NULLIF(regexp_extract(__error, '^([a-z0-9_]+): ', 1), ''), __error, __raw_line
     FROM ${ident(typedTable)} WHERE __error IS NOT NULL`,
  );
  const filtered = connector.filter
    ? (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${ident(typedTable)} WHERE __filtered`))?.n ?? 0
    : 0;
  if (raw.rejectsTable) {
    const delimiter = str(raw.stagedDelimiter ?? connector.source.delimiter);
    quarantined += await warehouse.change(
      `INSERT INTO quarantine (batch_id, period, connector, file, line, stage, field, reason, raw_line)
       SELECT ${batchColumns}, original_line, 'parse', NULL, arg_min(reason, rank), any_value(raw_line)
       FROM (SELECT CAST(split_part(csv_line, ${delimiter}, 1) AS BIGINT) AS original_line,
                    substr(csv_line, strpos(csv_line, ${delimiter}) + 1) AS raw_line, ${rejectReasonSql()} AS reason, ${rejectRankSql()} AS rank
             FROM ${ident(raw.rejectsTable)})
       GROUP BY original_line`,
    );
  }
  quarantined += await insertEarlyQuarantine(warehouse, batch, raw);
  const account: FileAccount = {
    file: raw.file, sha256: raw.sha256, bytes: raw.bytes, rowsRead: raw.rowsRead,
    rowsLoaded: loaded, rowsQuarantined: quarantined, rowsFiltered: filtered, blankLines: raw.blankLines,
  };
  if (account.rowsLoaded + account.rowsQuarantined + account.rowsFiltered !== account.rowsRead) {
    throw new SourceFileError(raw.file, `row accounting failed: read ${account.rowsRead}, loaded ${account.rowsLoaded}, quarantined ${account.rowsQuarantined}, filtered ${account.rowsFiltered}; nothing was committed`);
  }
  return account;
}

async function insertControls(warehouse: Warehouse, batch: { batchId: string; period: string; connector: string }, controls: ControlRow[]): Promise<void> {
  for (const c of controls) {
    await warehouse.run(`INSERT INTO batch_controls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [batch.batchId, batch.period, batch.connector, c.file, c.controlFile, c.measure, c.declared, c.actual, c.problem]);
  }
}

async function dropTemporaries(warehouse: Warehouse, tables: string[]): Promise<void> {
  for (const table of tables) await warehouse.run(`DROP TABLE IF EXISTS ${ident(table)}`);
}

/** Whatever DuckDB says about a file, the error names the file and how it was read. */
function namingTheFile(connector: Connector, file: string, error: unknown): Error {
  if (error instanceof SourceFileError) return error;
  const message = (error as Error).message.split('\n')[0]!.replace(/^[A-Za-z ]+ Error: /, '');
  const how = connector.source.format === 'parquet' ? 'Parquet' : `${connector.source.format === 'jsonl' ? 'JSON Lines' : 'CSV'} in ${connector.source.encoding}`;
  return new SourceFileError(file, `cannot be read as ${how}: ${message}`);
}

let typedCounter = 0;

export function batchIdFor(connector: Connector, period: string, fileHashes: string[]): string {
  const hash = createHash('sha256').update(JSON.stringify(connector.manifest)).update(fileHashes.join('\n')).digest('hex');
  return `${period}/${connector.id}/${hash.slice(0, 16)}`;
}

/**
 * Collect one batch. Throws (committing nothing) when a file cannot be read as a whole.
 * `staging` is the batch's files already being staged, when the caller started that ahead.
 */
export async function collectBatch(warehouse: Warehouse, connector: Connector, period: string, dropDir: string, files: string[], staging?: Promise<StagedSource[]>): Promise<BatchResult> {
  const raws: RawFile[] = [];
  const typedTables: string[] = [];
  const temporaries: string[] = [];
  let sources: StagedSource[] = [];
  try {
    sources = await (staging ?? stageSources(warehouse.tempDir, connector, dropDir, files));
    await ensureCanonicalTable(warehouse, connector.schema);
    for (const source of sources) {
      const file = source.file;
      const raw = await readRaw(warehouse, connector, source);
      raws.push(raw);
      const typedTable = `typed_${process.pid}_${++typedCounter}`;
      temporaries.push(typedTable, ...(raw.rejectsTable ? [raw.rejectsTable, `${raw.rejectsTable}_scan`] : []));
      await traced(`${file} typed`, () => typeRows(warehouse, connector, raw, typedTable)).catch((error: unknown) => {
        throw namingTheFile(connector, file, error);
      });
      typedTables.push(typedTable);
    }
    const controls = await compareControlTotals(warehouse, connector, dropDir, period, raws.map((r, i) => ({ file: r.file, rowsRead: r.rowsRead, typedTables: [typedTables[i]!] })));
    const batch = { batchId: batchIdFor(connector, period, raws.map((r) => r.sha256)), period, connector: connector.id };
    const accounts = await traced(`${connector.id} commit`, () => warehouse.transaction(async () => {
      await traced(`${connector.id} delete`, () => deletePeriodBatch(warehouse, connector, period));
      const done: FileAccount[] = [];
      for (const [i, raw] of raws.entries()) done.push(await loadFile(warehouse, connector, batch, raw, typedTables[i]!));
      const total = (key: 'rowsRead' | 'rowsLoaded' | 'rowsQuarantined' | 'rowsFiltered' | 'blankLines') => done.reduce((sum, a) => sum + a[key], 0);
      await warehouse.run(
        `INSERT INTO batches (batch_id, period, connector, department, dataset, schema_name, rows_read, rows_loaded, rows_quarantined, blank_lines, loaded_at, rows_filtered)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)`,
        [batch.batchId, period, connector.id, connector.department, connector.dataset, connector.schema.name, total('rowsRead'), total('rowsLoaded'), total('rowsQuarantined'), total('blankLines'), total('rowsFiltered')],
      );
      for (const a of done) {
        await warehouse.run(
          `INSERT INTO batch_files (batch_id, period, connector, file, sha256, bytes, format, encoding, rows_read, rows_loaded, rows_quarantined, blank_lines, rows_filtered)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
            batch.batchId, period, connector.id, a.file, a.sha256, a.bytes, connector.source.format,
            connector.source.format === 'parquet' ? null : connector.source.encoding, a.rowsRead, a.rowsLoaded, a.rowsQuarantined, a.blankLines, a.rowsFiltered,
          ]);
      }
      await insertControls(warehouse, batch, controls);
      return done;
    }));
    return {
      batchId: batch.batchId,
      connector: connector.id,
      period,
      rowsRead: accounts.reduce((s, a) => s + a.rowsRead, 0),
      rowsLoaded: accounts.reduce((s, a) => s + a.rowsLoaded, 0),
      rowsQuarantined: accounts.reduce((s, a) => s + a.rowsQuarantined, 0),
      rowsFiltered: accounts.reduce((s, a) => s + a.rowsFiltered, 0),
      files: accounts,
    };
  } finally {
    await dropTemporaries(warehouse, temporaries);
    await removeStaged(sources);
  }
}
