// The Arrow IPC extract read back with apache-arrow and compared value by value with the
// same query read through DuckDB's own JS conversion.
import t from 'tap';
import type { Test } from 'tap';
import { tableFromIPC } from 'apache-arrow';
import type { Table, Vector } from 'apache-arrow';
import { DATE, DECIMAL, LIST, VARCHAR, INTEGER } from '@duckdb/node-api';
import { arrowSchemaForColumns, arrowStreamFromQuery } from '../../src/extracts/arrowStream.js';
import { createTypesTable, drain, openDb } from './helpers.js';

const { connection, close } = await openDb();
t.teardown(close);
await createTypesTable(connection);
await connection.run(`CREATE TABLE big AS SELECT i AS id,
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 3 = 0 THEN 'short' || (i % 10) ELSE '北京市朝阳区' || i || '号, "院"' END AS text,
    lpad(i::VARCHAR, 18, '0') AS id18,
    CASE WHEN i % 5 <> 0 THEN DATE '1950-01-01' + (i % 25000)::INTEGER END AS day,
    i % 2 = 0 AS flag, (i * 0.01)::DECIMAL(18,2) AS amount, (i - 50000)::INTEGER AS n,
    CASE WHEN i % 11 = 0 THEN NULL WHEN i % 3 = 0 THEN [] ELSE ['k' || (i % 5), '冲突类型' || i, NULL] END AS list
  FROM range(100000) AS r(i)`);

async function readArrow(sql: string): Promise<Table> {
  return tableFromIPC(await drain(arrowStreamFromQuery(connection, sql)));
}

/** An Arrow value in the form DuckDB's JS conversion gives it. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('toArray' in (value as object)) return [...(value as Vector)].map(plain);
  return value;
}

/** Compares every cell; DATE as epoch milliseconds, TIMESTAMP checked separately in µs. */
function compareTables(tt: Test, table: Table, expected: Record<string, unknown>[], skip: string[] = []): void {
  tt.equal(table.numRows, expected.length, 'row count');
  let mismatches = 0;
  for (const field of table.schema.fields) {
    if (skip.includes(field.name)) continue;
    const column = table.getChild(field.name)!;
    for (let i = 0; i < expected.length; i++) {
      let want = expected[i]![field.name];
      if (want instanceof Date) want = want.getTime();
      const got = plain(column.get(i));
      if (JSON.stringify(got, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) !== JSON.stringify(want, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))) {
        if (mismatches++ < 5) tt.fail(`${field.name}[${i}]: got ${String(got)}, want ${String(want)}`);
      }
    }
  }
  tt.equal(mismatches, 0, 'every value matches');
}

t.test('every mapped type, NULLs, Chinese and quoting characters round-trip', async (tt) => {
  const sql = 'SELECT * FROM types ORDER BY row_id';
  const table = await readArrow(sql);
  tt.same(table.schema.fields.map((f) => `${f.name}:${f.type}`), [
    'row_id:Int64', 'text:Utf8', 'flag:Bool', 'int32:Int32', 'int16:Int16', 'int64:Int64', 'dbl:Float64',
    'amount:Float64', 'small_decimal:Float64', 'day:Date32<DAY>', 'ts:Timestamp<MICROSECOND>', 'list:List<Utf8>',
    'struct_col:Utf8', 'uuid_col:Utf8',
  ]);
  const reader = await connection.runAndReadAll(sql);
  compareTables(tt, table, reader.getRowObjectsJS(), ['ts', 'struct_col', 'uuid_col']);

  // Timestamps keep their microseconds; structs are JSON; other types their string form.
  const reference = (await connection.runAndReadAll(
    `SELECT epoch_us(ts) AS us, to_json(struct_col)::VARCHAR AS json, uuid_col::VARCHAR AS uuid FROM types ORDER BY row_id`)).getRowObjectsJS();
  const ts = table.getChild('ts')!, struct = table.getChild('struct_col')!, uuid = table.getChild('uuid_col')!;
  const tsValues = ts.toArray() as BigInt64Array;
  reference.forEach((row, i) => {
    tt.equal(ts.get(i) === null ? null : tsValues[i], row.us, `ts[${i}] µs`);
    tt.same(struct.get(i) === null ? null : JSON.parse(struct.get(i) as string), row.json === null ? null : JSON.parse(row.json as string), `struct[${i}]`);
    tt.equal(uuid.get(i), row.uuid, `uuid[${i}]`);
  });
});

t.test('100,000 rows across many chunks, with parameters', async (tt) => {
  const sql = 'SELECT * FROM big WHERE id < $limit ORDER BY id';
  const bytes = await drain(arrowStreamFromQuery(connection, sql, { limit: 100000 }));
  const table = tableFromIPC(bytes);
  tt.ok(table.batches.length >= 48, `one batch per chunk (${table.batches.length})`);
  const expected = (await connection.runAndReadAll(sql, { limit: 100000 })).getRowObjectsJS();
  compareTables(tt, table, expected);
});

t.test('lists computed in the query (not scanned from a table) round-trip', async (tt) => {
  const sql = `SELECT i, CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN l[2:] ELSE list_reverse(l) END AS l
    FROM (SELECT i, ['a' || i, NULL, '第' || i || '个，较长的元素'] AS l FROM range(5000) AS r(i)) ORDER BY i`;
  compareTables(tt, await readArrow(sql), (await connection.runAndReadAll(sql)).getRowObjectsJS());
});

t.test('an empty result is a schema and no batches', async (tt) => {
  const table = await readArrow('SELECT * FROM types WHERE false');
  tt.equal(table.numRows, 0);
  tt.equal(table.schema.fields.length, 14);
  tt.equal(String(table.schema.fields[11]!.type), 'List<Utf8>');
});

t.test('arrowSchemaForColumns maps DuckDB types', async (tt) => {
  const schema = arrowSchemaForColumns(['a', 'b', 'c', 'd', 'e'], [VARCHAR, INTEGER, DATE, DECIMAL(18, 2), LIST(VARCHAR)]);
  tt.same(schema.fields.map((f) => String(f.type)), ['Utf8', 'Int32', 'Date32<DAY>', 'Float64', 'List<Utf8>']);
  tt.ok(schema.fields.every((f) => f.nullable));
});

t.test('a bad query and a failure mid-stream are stream errors', async (tt) => {
  await tt.rejects(drain(arrowStreamFromQuery(connection, 'SELECT * FROM no_such_table')), /no_such_table/);
  const failing = `SELECT CASE WHEN id = 90000 THEN error('boom at 90000') ELSE id END AS v, text FROM big`;
  let received = 0;
  const stream = arrowStreamFromQuery(connection, failing);
  await tt.rejects((async () => { for await (const piece of stream) received += (piece as Buffer).length; })(), /failed in DuckDB after \d+ rows, or another query ran on the same connection; the extract is incomplete/);
  tt.ok(received > 0, 'batches before the failure were delivered');
});

t.test('the producer waits for a slow consumer', async (tt) => {
  let fetched = 0;
  const stream = arrowStreamFromQuery(connection, 'SELECT * FROM big', undefined, { highWaterMark: 1024, onChunk: () => fetched++ });
  await new Promise<void>((resolve) => stream.once('readable', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  tt.ok(fetched <= 2, `with nothing read, at most a chunk and its lookahead are fetched (${fetched})`);
  let pieces = 0, maxAhead = 0;
  for await (const _piece of stream) {
    pieces++;
    maxAhead = Math.max(maxAhead, fetched - pieces);
    await new Promise((resolve) => setImmediate(resolve));
  }
  tt.ok(fetched >= 49, `all chunks fetched in the end (${fetched})`);
  tt.ok(maxAhead <= 3, `never more than a few chunks ahead of the reader (${maxAhead})`);
});

t.test('destroying the stream early stops fetching', async (tt) => {
  let fetched = 0;
  const stream = arrowStreamFromQuery(connection, 'SELECT * FROM big', undefined, { onChunk: () => fetched++ });
  for await (const _piece of stream) break; // for-await destroys the stream on break
  await new Promise((resolve) => setTimeout(resolve, 100));
  tt.ok(fetched <= 3, `stopped after a few chunks (${fetched})`);
  // The connection is usable again once the stream is gone.
  tt.equal((await connection.runAndReadAll('SELECT 42 AS x')).getRowObjectsJS()[0]!.x, 42);
});

t.test('another query on the same connection mid-stream is an error, not a short extract', async (tt) => {
  const stream = arrowStreamFromQuery(connection, 'SELECT * FROM big');
  let pieces = 0;
  await tt.rejects((async () => {
    for await (const _piece of stream) if (++pieces === 3) await connection.run('SELECT 42');
  })(), /the extract is incomplete/);
});
