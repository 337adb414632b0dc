/**
 * A DuckDB query as UTF-8 CSV (RFC 4180): a header of column names, CRLF line ends, NULL as
 * an empty field, empty strings as `""`, dates YYYY-MM-DD, timestamps
 * YYYY-MM-DD HH:MM:SS[.ffffff], booleans true/false, decimals exact, lists and structs as
 * JSON text. Streams chunk by chunk like the Arrow extract (see chunkStream.ts).
 */
import type { Readable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { planColumns } from './columns.js';
import type { ColumnPlan } from './columns.js';
import { ByteSink, writeCell, writeTextCell } from './csvFormat.js';
import { chunkStream } from './chunkStream.js';
import type { ChunkEncoder, ChunkStreamOptions, QueryParams } from './chunkStream.js';

export interface CsvOptions extends ChunkStreamOptions {
  /** Start with a UTF-8 byte order mark, which Excel needs to read Chinese text correctly. */
  bom?: boolean;
}

const COMMA = 0x2c, CR = 0x0d, LF = 0x0a;

function csvEncoder(bom: boolean): ChunkEncoder {
  const out = new ByteSink();
  let plans: ColumnPlan[] = [];
  return {
    start(names, types) {
      plans = planColumns(names, types);
      if (bom) out.bytes(Uint8Array.of(0xef, 0xbb, 0xbf), 0, 3);
      names.forEach((name, i) => {
        if (i > 0) out.byte(COMMA);
        writeTextCell(out, name);
      });
      out.byte(CR); out.byte(LF);
      return out.take();
    },
    chunk(chunk) {
      const rows = chunk.rowCount;
      const columns = plans.map((plan, i) => plan.read(chunk, i, rows));
      for (let row = 0; row < rows; row++) {
        for (let c = 0; c < columns.length; c++) {
          if (c > 0) out.byte(COMMA);
          writeCell(out, columns[c]!, row);
        }
        out.byte(CR); out.byte(LF);
      }
      return out.take();
    },
    end: () => new Uint8Array(0),
  };
}

export function csvStreamFromQuery(
  connection: DuckDBConnection, sql: string, params?: QueryParams, options: CsvOptions = {},
): Readable {
  return chunkStream(connection, sql, params, csvEncoder(options.bom ?? false), options);
}
