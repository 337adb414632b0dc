/** The columns a sample file offers, as the connector would read them: CSV header, JSON keys, Parquet schema. */
import { openDuckDB } from '../store/duckdb.js';
import { quotedString as str } from '@duckdb/node-api';
import type { DraftInput } from '../connectors/draftManifest.js';
import type { Connector } from '../connectors/manifest.js';
import { decodeStart, formatOf, jsonSample, readStart, sampleLines, sniffDelimiter, sniffEncoding } from '../connectors/sampleText.js';
import type { Warehouse } from '../store/warehouse.js';
import { splitCsvLine } from './csvLine.js';

export async function sampleHeader(warehouse: Warehouse, connector: Connector, path: string): Promise<string[]> {
  const { format, encoding, delimiter, quote } = connector.source;
  if (format === 'parquet') {
    try {
      return (await warehouse.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${str(path)})`)).map((d) => d.column_name);
    } catch {
      return [];
    }
  }
  const lines = sampleLines(decodeStart(readStart(path), encoding));
  if (format === 'jsonl') return jsonSample(lines).header;
  return lines.length > 0 ? splitCsvLine(lines[0]!, delimiter, quote).map((c) => c.trim()) : [];
}

/** A file's start for drafting a manifest: format, encoding and delimiter sniffed, the header and up to 200 rows. */
export async function draftInputOf(path: string, file: string): Promise<DraftInput> {
  const format = formatOf(path);
  if (format === 'parquet') {
    const instance = await openDuckDB(':memory:', { threads: '1', autoload_known_extensions: 'false', autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${str(path)}) LIMIT 200`);
      const header = reader.columnNames();
      const rows = reader.getRows().map((r) => r.map((v) => (v === null ? '' : String(v))));
      return { file, format, encoding: 'utf-8', delimiter: ',', header, rows };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
  const start = readStart(path);
  const encoding = sniffEncoding(start);
  const lines = sampleLines(decodeStart(start, encoding));
  if (format === 'jsonl') return { file, format, encoding, delimiter: ',', ...jsonSample(lines) };
  const delimiter = sniffDelimiter(lines);
  const [header = [], ...rows] = lines.map((l) => splitCsvLine(l, delimiter).map((c) => c.trim()));
  return { file, format, encoding, delimiter, header, rows };
}
