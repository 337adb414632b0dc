/**
 * Throughput of the bulk extracts: an in-memory table shaped like the population view
 * (20 columns: ID numbers, Chinese names and addresses, dates, booleans, integers, a
 * DECIMAL(18,2) amount, a VARCHAR[] list, NULLs where the real view has them), drained
 * fully as Arrow IPC and as CSV into a sink that discards the bytes.
 *
 *   npx tsx bench/extractThroughput.ts [rows]
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { arrowStreamFromQuery } from '../src/extracts/arrowStream.js';
import { csvStreamFromQuery } from '../src/extracts/csvStream.js';

export function populationLikeSql(rows: number): string {
  return `CREATE TABLE population AS SELECT
    '2024-06' AS period,
    '110105' || strftime(DATE '1940-01-01' + (i % 30000)::INT, '%Y%m%d') || lpad((i % 10000)::VARCHAR, 4, '0') AS id_number,
    '张' || chr(19968 + (i % 2000)::INT) || chr(19968 + (i * 7 % 3000)::INT) AS name,
    CASE WHEN i % 2 = 0 THEN 'male' ELSE 'female' END AS sex,
    DATE '1940-01-01' + (i % 30000)::INT AS birth_date,
    CASE WHEN i % 9 = 0 THEN '回族' ELSE '汉族' END AS ethnicity,
    '1101' || lpad((i % 100)::VARCHAR, 2, '0') AS registered_area_code,
    '北京市朝阳区建国路' || (i % 500) || '号院' || (i % 30) || '号楼' AS address,
    'H' || lpad((i // 3)::VARCHAR, 12, '0') AS household_number,
    CASE WHEN i % 3 = 0 THEN 'head' ELSE 'child' END AS relation_to_head,
    'active' AS register_status,
    i % 97 = 0 AS deceased,
    CASE WHEN i % 97 = 0 THEN DATE '2020-01-01' + (i % 1000)::INT END AS death_date,
    CASE WHEN i % 2 = 0 THEN 'married' ELSE 'unmarried' END AS marital_status,
    CASE WHEN i % 2 = 0 THEN '110105' || lpad(((i + 1) % 100000000)::VARCHAR, 12, '0') END AS spouse_id,
    CASE WHEN i % 50 = 0 THEN (i % 4 + 1)::INTEGER END AS disability_grade,
    i % 40 = 0 AS minimum_living_allowance,
    CASE WHEN i % 4 = 0 THEN (1000 + (i % 500000) / 100.0)::DECIMAL(18,2) END AS pension_monthly_amount,
    (i % 3)::INTEGER AS property_count,
    CASE WHEN i % 10 = 0 THEN ['death_date', 'marital_status'] ELSE [] END::VARCHAR[] AS conflicts
  FROM range(${rows}) AS r(i)`;
}

async function drain(stream: Readable): Promise<{ seconds: number; bytes: number }> {
  let bytes = 0;
  const started = process.hrtime.bigint();
  await pipeline(stream, new Writable({ write(chunk: Buffer, _encoding, done) { bytes += chunk.length; done(); } }));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

export async function benchExtract(rows: number): Promise<{
  rows: number; arrowSeconds: number; arrowRowsPerSecond: number; csvSeconds: number; csvRowsPerSecond: number; arrowBytes: number;
}> {
  const instance = await DuckDBInstance.create(':memory:');
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(populationLikeSql(rows));
    const sql = 'SELECT * FROM population';
    const arrow = await drain(arrowStreamFromQuery(connection, sql));
    const csv = await drain(csvStreamFromQuery(connection, sql));
    return {
      rows,
      arrowSeconds: arrow.seconds,
      arrowRowsPerSecond: Math.round(rows / arrow.seconds),
      csvSeconds: csv.seconds,
      csvRowsPerSecond: Math.round(rows / csv.seconds),
      arrowBytes: arrow.bytes,
    };
  } finally {
    connection?.closeSync();
    instance.closeSync();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await benchExtract(rows), null, 2));
}
