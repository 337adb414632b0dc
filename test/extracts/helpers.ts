// Shared fixtures for the extract tests: an in-memory DuckDB, tables covering every column
// type the extracts map, draining a stream, and a small RFC 4180 parser.
import type { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

export async function openDb(): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
}

/** Strings that stress quoting and UTF-8: commas, quotes, CR/LF, Chinese, empty, > 12 bytes. */
export const TRICKY_STRINGS = [
  'plain', '', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r\nlf', '北京市朝阳区建国路88号', '张三',
  '110105199001011234', '"', ',', ' leading and trailing ', 'emoji 👍 and 中文, "quoted"',
];

/** One row per tricky string, each column type the extracts map, NULLs on every 4th row. */
export async function createTypesTable(connection: DuckDBConnection): Promise<void> {
  const strings = TRICKY_STRINGS.map((s) => `'${s.replaceAll("'", "''")}'`).join(', ');
  await connection.run(`CREATE TABLE types AS
    WITH s AS (SELECT unnest([${strings}]) AS s, generate_subscripts([${strings}], 1) AS i)
    SELECT
      i AS row_id,
      CASE WHEN i % 4 <> 0 THEN s END AS text,
      CASE WHEN i % 4 <> 1 THEN i % 2 = 0 END AS flag,
      CASE WHEN i % 4 <> 2 THEN (i * 1000 - 7000)::INTEGER END AS int32,
      CASE WHEN i % 4 <> 3 THEN (i - 6)::SMALLINT END AS int16,
      CASE WHEN i % 4 <> 0 THEN (i * 1234567890123 - 9000000000000)::BIGINT END AS int64,
      CASE WHEN i % 4 <> 1 THEN i / 3.0 - 2 END AS dbl,
      CASE WHEN i % 4 <> 2 THEN (i * 1234.56 - 5000)::DECIMAL(18,2) END AS amount,
      CASE WHEN i % 4 <> 3 THEN (i * 3.5)::DECIMAL(4,1) END AS small_decimal,
      CASE WHEN i % 4 <> 0 THEN DATE '1965-03-01' + (i * 1000)::INTEGER END AS day,
      CASE WHEN i % 4 <> 1 THEN TIMESTAMP '2024-02-29 13:45:01.123456' + to_seconds(i * 100000) END AS ts,
      CASE WHEN i % 4 <> 2 THEN [s, NULL, 'x' || i, '长一点的列表元素，超过十二个字节'] WHEN i % 8 = 2 THEN [] END AS list,
      CASE WHEN i % 4 <> 3 THEN {'name': s, 'n': i::INTEGER} END AS struct_col,
      CASE WHEN i % 4 <> 0 THEN uuid() END AS uuid_col
    FROM s`);
}

export async function drain(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/**
 * RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold anything
 * with quotes doubled. An unquoted empty field is NULL (null); a quoted one is ''.
 */
export function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  for (;;) {
    let field: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') { value += '"'; i = quote + 2; } else { i = quote + 1; break; }
      }
      field = value;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\r') end++;
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i >= text.length) return records;
      continue;
    }
    throw new Error(`unexpected character at ${i}: ${JSON.stringify(text.slice(i, i + 10))}`);
  }
}
