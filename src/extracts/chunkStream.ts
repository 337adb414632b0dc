/**
 * A byte `Readable` over a DuckDB streaming result, one encoded piece per chunk.
 *
 * Memory stays bounded because DuckDB produces chunks on demand (`connection.stream`) and
 * the next chunk is fetched only when Node asks for more (`read()`), which it does not while
 * the consumer has a full buffer: at most one chunk being fetched ahead, and about one
 * encoded chunk beyond the `highWaterMark`, are held. The connection should serve only this extract until the stream ends:
 * a new query on it would cut the streaming result short.
 */
import { Readable } from 'node:stream';
import { ResultReturnType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult, DuckDBType, DuckDBValue } from '@duckdb/node-api';

export type QueryParams = Record<string, DuckDBValue> | DuckDBValue[];

export interface ChunkEncoder {
  /** Bytes that open the stream (an Arrow schema, a CSV header). */
  start(names: readonly string[], types: readonly DuckDBType[]): Uint8Array;
  chunk(chunk: DuckDBDataChunk): Uint8Array;
  /** Bytes that close the stream (the Arrow end-of-stream marker). */
  end(): Uint8Array;
}

export interface ChunkStreamOptions {
  /** Bytes Node buffers ahead of the consumer before it stops fetching chunks. */
  highWaterMark?: number;
  /** Called after each chunk is fetched, for tests and metrics. */
  onChunk?: (rows: number) => void;
}

export function chunkStream(
  connection: DuckDBConnection, sql: string, params: QueryParams | undefined,
  encoder: ChunkEncoder, options: ChunkStreamOptions = {},
): Readable {
  let result: DuckDBResult | undefined;
  const stream: Readable = new Readable({
    highWaterMark: options.highWaterMark ?? 1 << 16,
    read() {
      step().catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
    },
  });

  // One push per read(): Node does not call read() again until something is pushed. An
  // empty piece is never pushed (that would stall the stream); the next one is made instead.
  async function step(): Promise<void> {
    for (;;) {
      const piece = await nextPiece();
      if (stream.destroyed) return;
      if (piece === null) {
        stream.push(null);
        return;
      }
      if (piece.byteLength > 0) {
        stream.push(piece);
        return;
      }
    }
  }

  // While one chunk is encoded here, DuckDB already works on the next one on its own
  // thread: one chunk of lookahead, so memory stays bounded and the two overlap.
  let pending: Promise<DuckDBDataChunk | null> | undefined;
  async function nextChunk(from: DuckDBResult): Promise<DuckDBDataChunk | null> {
    const chunk = await (pending ?? from.fetchChunk());
    pending = undefined;
    if (chunk && chunk.rowCount > 0) {
      pending = from.fetchChunk();
      pending.catch(() => {}); // rejections surface when awaited; none if the stream was destroyed
    }
    return chunk;
  }

  /** The next bytes to send, or null once the end marker has been sent. */
  let ended = false, rows = 0;
  async function nextPiece(): Promise<Uint8Array | null> {
    if (!result) {
      result = await connection.stream(sql, params);
      return encoder.start(result.columnNames(), result.columnTypes());
    }
    if (ended) return null;
    const chunk = await nextChunk(result);
    if (!chunk || chunk.rowCount === 0) {
      ended = true;
      assertComplete(result, rows);
      return encoder.end();
    }
    rows += chunk.rowCount;
    options.onChunk?.(chunk.rowCount);
    return encoder.chunk(chunk);
  }
  return stream;
}

/**
 * A query that fails part-way (a bad cast in row 90,000, say) ends its streaming result
 * exactly like one that is exhausted: `fetchChunk` gives an empty chunk either way and
 * this client does not expose DuckDB's error message. The same happens when another query
 * runs on the connection meanwhile. The result's return type does tell them apart (INVALID
 * once the result holds an error), and a silently truncated extract must not look complete.
 */
function assertComplete(result: DuckDBResult, rows: number): void {
  if (result.returnType === ResultReturnType.INVALID) {
    throw new Error(`the query failed in DuckDB after ${rows} rows, or another query ran on the same connection; the extract is incomplete (this DuckDB client does not pass on the error message)`);
  }
}
