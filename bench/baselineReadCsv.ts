/**
 * The baseline: DuckDB reading the same files with its own readers and nothing else, into an
 * on-disk database with the same memory limit and threads as the exchange. GB18030 files are
 * read as latin-1: DuckDB cannot decode GB18030 without downloading an extension, and latin-1
 * reads the same bytes with the same parsing work.
 * Usage: node baselineReadCsv.js PERIOD DROP_DIR DB_FILE
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import { loadConnectors } from '../src/connectors/manifest.js';
import { matchSourceFiles } from '../src/collect/sourceFiles.js';

const [period, dropDir, dbFile] = process.argv.slice(2) as [string, string, string];
const instance = await DuckDBInstance.create(dbFile, { memory_limit: process.env.DX_MEMORY_LIMIT ?? '3GB', threads: '2', preserve_insertion_order: 'false' });
const connection = await instance.connect();
let rows = 0;
let table = 0;
for (const connector of loadConnectors()) {
  for (const file of matchSourceFiles(dropDir, connector.source.glob, period)) {
    const path = str(join(dropDir, file));
    const { format, encoding, delimiter } = connector.source;
    const reader = format === 'parquet' ? `read_parquet(${path})`
      : format === 'jsonl' ? `read_ndjson_objects(${path}, ignore_errors = true)`
      : `read_csv(${path}, header = true, all_varchar = true, ignore_errors = true, delim = ${str(delimiter)}${encoding.startsWith('utf-8') ? '' : `, encoding = 'latin-1'`})`;
    const name = ident(`t${table++}`);
    await connection.run(`CREATE TABLE ${name} AS SELECT * FROM ${reader}`);
    rows += Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${name}`)).getRowObjectsJS()[0]!.n);
  }
}
connection.closeSync();
instance.closeSync();
const file = process.env.DX_RUSAGE_FILE;
if (file) {
  const usage = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
}
process.stdout.write(JSON.stringify({ rows }));
