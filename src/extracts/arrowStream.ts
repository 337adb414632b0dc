/**
 * A DuckDB query as an Arrow IPC stream (`application/vnd.apache.arrow.stream`): the schema,
 * then one record batch per DuckDB chunk (2048 rows), then the end-of-stream marker.
 *
 * Type mapping (see columns.ts): VARCHAR → Utf8; BOOLEAN → Bool; TINYINT…BIGINT and the
 * unsigned ones → the Int/Uint of the same width (BIGINT → Int64); FLOAT/DOUBLE → Float32/
 * Float64; DECIMAL → Float64 (exact for DECIMAL(18,2) amounts under 2^53 cents); DATE →
 * DateDay; TIMESTAMP[_TZ|_S|_MS|_NS] → Timestamp in the same unit (microseconds for plain
 * TIMESTAMP, lossless); VARCHAR[] → List<Utf8>; other lists, structs, maps → Utf8 JSON;
 * anything else → Utf8 in DuckDB's string form.
 */
import type { Readable } from 'node:stream';
import { AsyncByteQueue, RecordBatchStreamWriter } from 'apache-arrow';
import type { Schema } from 'apache-arrow';
import type { DuckDBConnection } from '@duckdb/node-api';
import { planColumns } from './columns.js';
import type { ColumnPlan } from './columns.js';
import { recordBatch, schemaForPlans } from './arrowBatch.js';
import { chunkStream } from './chunkStream.js';
import type { ChunkEncoder, ChunkStreamOptions, QueryParams } from './chunkStream.js';

export { arrowSchemaForColumns } from './arrowBatch.js';

/**
 * The writer's sink, taking the IPC bytes synchronously as each batch is written; the
 * writer's own queue would hand them out only through async iteration.
 */
class ByteCollector extends AsyncByteQueue {
  private pieces: Uint8Array[] = [];
  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.pieces.push(value);
  }
  take(): Uint8Array {
    const joined = Buffer.concat(this.pieces);
    this.pieces = [];
    return joined;
  }
}

function arrowEncoder(): ChunkEncoder {
  const sink = new ByteCollector();
  const writer = new RecordBatchStreamWriter();
  let plans: ColumnPlan[] = [];
  let schema: Schema;
  return {
    start(names, types) {
      plans = planColumns(names, types);
      schema = schemaForPlans(plans);
      writer.reset(sink, schema); // writes the schema message
      return sink.take();
    },
    chunk(chunk) {
      const rows = chunk.rowCount;
      writer.write(recordBatch(schema, plans.map((plan, i) => plan.read(chunk, i, rows)), rows));
      return sink.take();
    },
    end() {
      writer.finish(); // writes the end-of-stream marker
      return sink.take();
    },
  };
}

export function arrowStreamFromQuery(
  connection: DuckDBConnection, sql: string, params?: QueryParams, options?: ChunkStreamOptions,
): Readable {
  return chunkStream(connection, sql, params, arrowEncoder(), options);
}
