// The CSV extract parsed back with an RFC 4180 parser and compared cell by cell with DuckDB's
// own text form of each value (lists and structs as JSON).
import t from 'tap';
import type { Test } from 'tap';
import { csvStreamFromQuery } from '../../src/extracts/csvStream.js';
import { formatDate, formatDecimal, formatTimestamp } from '../../src/extracts/csvFormat.js';
import { createTypesTable, drain, openDb, parseCsv } from './helpers.js';

const { connection, close } = await openDb();
t.teardown(close);
await createTypesTable(connection);

async function readCsv(sql: string, params?: Record<string, number>): Promise<(string | null)[][]> {
  const bytes = await drain(csvStreamFromQuery(connection, sql, params));
  return parseCsv(bytes.toString('utf8'));
}

/** DuckDB's VARCHAR cast of each column, except lists (JSON arrays) and structs (to_json). */
async function expectedCells(table: string, order: string, where = 'true'): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const described = (await connection.runAndReadAll(`SELECT column_name, column_type AS data_type FROM (DESCRIBE ${table})`)).getRowObjectsJS();
  const header = described.map((c) => c.column_name as string);
  const selects = described.map((c) => {
    const name = `"${c.column_name as string}"`, type = c.data_type as string;
    if (type.endsWith('[]')) return `${name} AS ${name}`;
    if (type.startsWith('STRUCT')) return `to_json(${name})::VARCHAR AS ${name}`;
    return `${name}::VARCHAR AS ${name}`;
  });
  const rows = (await connection.runAndReadAll(`SELECT ${selects.join(', ')} FROM ${table} AS source WHERE ${where} ORDER BY source.${order}`)).getRowsJS();
  return { header, rows: rows.map((row) => row.map((v) => (v === null ? null : Array.isArray(v) ? JSON.stringify(v) : String(v)))) };
}

function compareCells(tt: Test, got: (string | null)[][], want: (string | null)[][], header: string[]): void {
  tt.equal(got.length, want.length, 'row count');
  let mismatches = 0;
  want.forEach((row, r) => row.forEach((cell, c) => {
    let actual = got[r]?.[c];
    let expected = cell;
    if (header[c] === 'struct_col' && actual && expected) { actual = JSON.stringify(JSON.parse(actual)); expected = JSON.stringify(JSON.parse(expected)); }
    if (header[c] === 'dbl' && actual && expected) { actual = String(Number(actual)); expected = String(Number(expected)); }
    if (actual !== expected && mismatches++ < 5) tt.fail(`${header[c]}[${r}]: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
  }));
  tt.equal(mismatches, 0, 'every cell matches');
}

t.test('every type, NULL versus empty string, quoting, Chinese text', async (tt) => {
  const [header, ...rows] = await readCsv('SELECT * FROM types ORDER BY row_id');
  const expected = await expectedCells('types', 'row_id');
  tt.same(header, expected.header);
  compareCells(tt, rows, expected.rows, expected.header);
  const text = rows.map((row) => row[1]);
  tt.ok(text.includes(''), 'an empty string stays an empty string');
  tt.ok(text.includes(null), 'a NULL stays NULL');
  tt.ok(text.includes('cr\r\nlf') && text.includes('a,b') && text.includes('"') && text.includes('北京市朝阳区建国路88号'));
});

t.test('100,000 rows across many chunks, with parameters', async (tt) => {
  await connection.run(`CREATE TABLE big AS SELECT i AS id,
      CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN 'short' || (i % 10) ELSE '北京市朝阳区' || i || '号, "院"' END AS text,
      lpad(i::VARCHAR, 18, '0') AS id18,
      CASE WHEN i % 5 <> 0 THEN DATE '1950-01-01' + (i % 25000)::INTEGER END AS day,
      i % 2 = 0 AS flag, (i * 0.01 - 300)::DECIMAL(18,2) AS amount, (i - 50000)::INTEGER AS n,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 3 = 0 THEN [] ELSE ['k' || (i % 5), '冲突类型' || i, NULL] END AS list
    FROM range(100000) AS r(i)`);
  const [header, ...rows] = await readCsv('SELECT * FROM big WHERE id < $limit ORDER BY id', { limit: 100000 });
  const expected = await expectedCells('big', 'id');
  tt.same(header, expected.header);
  compareCells(tt, rows, expected.rows, expected.header);
});

t.test('an empty result is the header alone; a BOM on request', async (tt) => {
  tt.equal((await drain(csvStreamFromQuery(connection, 'SELECT 1 AS "a,b", 2 AS c WHERE false'))).toString(), '"a,b",c\r\n');
  const withBom = await drain(csvStreamFromQuery(connection, 'SELECT 1 AS x', undefined, { bom: true }));
  tt.same([...withBom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  tt.equal(withBom.subarray(3).toString(), 'x\r\n1\r\n');
});

t.test('formatting helpers', async (tt) => {
  tt.equal(formatDate(0), '1970-01-01');
  tt.equal(formatDate(-1), '1969-12-31');
  tt.equal(formatDate(19782), '2024-02-29');
  tt.equal(formatDate(-719528), '0000-01-01');
  tt.equal(formatDecimal(-5, 2), '-0.05');
  tt.equal(formatDecimal(123456, 2), '1234.56');
  tt.equal(formatDecimal(42, 0), '42');
  tt.equal(formatTimestamp(-1n, 1e6), '1969-12-31 23:59:59.999999');
  tt.equal(formatTimestamp(1000n, 1e3), '1970-01-01 00:00:01');
});

t.test('a slow consumer holds the producer back', async (tt) => {
  // Every line is exactly 10 bytes, so bytes read tell rows read.
  let fetchedRows = 0;
  const stream = csvStreamFromQuery(connection, `SELECT lpad(i::VARCHAR, 8, '0') AS v FROM range(100000) AS r(i)`, undefined,
    { highWaterMark: 1024, onChunk: (rows) => { fetchedRows += rows; } });
  let bytes = 0, maxAhead = 0;
  for await (const piece of stream) {
    bytes += (piece as Buffer).length;
    const readRows = Math.max(0, (bytes - 3) / 10);
    maxAhead = Math.max(maxAhead, fetchedRows - readRows);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  tt.equal(bytes, 3 + 100000 * 10);
  tt.ok(maxAhead <= 3 * 2048, `fetched at most a few chunks ahead of the reader (${maxAhead} rows)`);
});

t.test('a failure mid-stream is a stream error, not a short file', async (tt) => {
  const failing = `SELECT CASE WHEN id = 90000 THEN error('boom') ELSE id END AS v FROM big`;
  await tt.rejects(drain(csvStreamFromQuery(connection, failing)), /the extract is incomplete/);
  await tt.rejects(drain(csvStreamFromQuery(connection, 'SELECT nope FROM big')), /nope/);
});
