/**
 * A served file: one view of a published snapshot laid out so that an API process answers a lookup
 * by reading two small ranges of it (a key-index block, then the record), never holding the view.
 * The file is read with positioned reads through the operating system's page cache, which every API
 * process on the machine shares: a process's resident memory is the few buffers it reads into, the
 * file's hot pages are held once for all of them, and opening one costs a header read whatever the
 * number of persons. (Node has no memory mapping of its own; a positioned read of a cached page is a
 * copy of the bytes wanted, about a microsecond.)
 *
 * Layout (little-endian):
 *   [0, 8)    magic "DXSERVE1"
 *   [8, 16)   header offset (float64), [16, 20) header length (uint32)
 *   [64, …)   records, one a row: uint32 length | null bits (a bit a column) | uint32 end of each
 *             column's value, from the start of the values | the values (UTF-8 text or JSON text,
 *             float64 numbers, a byte for yes/no; nothing for null)
 *   row table float64 per row and one more: row i is the record at [t[i], t[i + 1])
 *   key index the KeyIndex table (keyIndex.ts) as slots of 16 bytes: uint32 hash of the key, int32 row
 *             (-1 free), float64 record offset; a probe reads slots until the row is found or a free slot
 *   header    JSON: the view's columns and where the row table and key index are
 *
 * Written whole to a temporary name and renamed, so a reader sees a complete file or none.
 */
import { openDuckDB } from '../store/duckdb.js';
import { existsSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnData } from '../extracts/columns.js';
import { isValid } from '../extracts/duckdbVectors.js';
import { streamView, type ColumnKind } from './columnView.js';
import { EMPTY, hashString, KeyIndex } from './keyIndex.js';

export const SERVED_MAGIC = 'DXSERVE1';
export const RECORDS_START = 64;
export const SLOT_BYTES = 16;
/** Bytes gathered before a write. */
const FLUSH_AT = 4 * 2 ** 20;

export interface ServedHeader {
  format: 1;
  table: string;
  key: string;
  rows: number;
  distinct: number;
  columns: { name: string; kind: ColumnKind }[];
  /** Slots in the key index (a power of two). */
  capacity: number;
  rowTable: number;
  index: number;
  /** The longest record's length: a first read of this many bytes (capped) reads most records whole. */
  longestRecord: number;
}

/** The views a snapshot serves, and the key of each. */
export const SERVED_VIEWS = [{ table: 'population', key: 'id_number' }, { table: 'legal_entity', key: 'uscc' }] as const;

export function servedFilePath(snapshotPath: string, table: string): string {
  return `${snapshotPath}.${table}.served`;
}

/**
 * Bytes gathered in memory and written at the file's next position. Writes go through the
 * thread pool (a file handle), never blocking the event loop: the process writing may be an API
 * process opening a snapshot published without served files, and a busy disk can hold a write or
 * an fsync for seconds.
 */
class FileWriter {
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private used = 0;
  position: number;

  constructor(private readonly file: FileHandle, start: number) {
    this.position = start;
  }

  /** Room for `n` more bytes in the buffer (grown if need be); returns the buffer, to write at `at`. */
  reserve(n: number): Buffer {
    if (this.used + n > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + n));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    return this.buffer;
  }

  get at(): number {
    return this.used;
  }

  advance(n: number): void {
    this.used += n;
  }

  write(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.used);
    this.used += bytes.length;
  }

  /** The file offset the next byte lands at. */
  get offset(): number {
    return this.position + this.used;
  }

  /** Write out what is gathered once there is enough of it (or all of it, with `all`). */
  async flush(all = false): Promise<void> {
    if (this.used < (all ? 1 : FLUSH_AT)) return;
    let done = 0;
    while (done < this.used) done += (await this.file.write(this.buffer, done, this.used - done, this.position + done)).bytesWritten;
    this.position += this.used;
    this.used = 0;
  }
}

/** The key column's text gathered as rows arrive, for the key index. */
class KeyBytes {
  bytes = Buffer.allocUnsafe(1 << 20);
  used = 0;
  readonly offsets: Uint32Array;
  readonly valid: Uint8Array;

  constructor(readonly rows: number) {
    this.offsets = new Uint32Array(rows + 1);
    this.valid = new Uint8Array(rows);
  }

  add(row: number, source: Uint8Array | null, start: number, end: number): void {
    if (source) {
      if (this.used + end - start > this.bytes.length) {
        const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + end - start));
        this.bytes.copy(grown, 0, 0, this.used);
        this.bytes = grown;
      }
      this.bytes.set(source.subarray(start, end), this.used);
      this.used += end - start;
      this.valid[row] = 1;
    }
    this.offsets[row + 1] = this.used;
  }
}

/** Append one chunk's rows as records. */
function writeRecords(out: FileWriter, kinds: ColumnKind[], data: ColumnData[], at: number, rows: number, rowOffsets: Float64Array, keyColumn: number, keys: KeyBytes): number {
  const n = kinds.length;
  const nullBytes = (n + 7) >> 3;
  const head = 4 + nullBytes + 4 * n;
  let longest = 0;
  for (let i = 0; i < rows; i++) {
    let size = head;
    for (let c = 0; c < n; c++) {
      const d = data[c]!;
      if (!isValid(d.validity, i)) continue;
      size += d.kind === 'utf8' ? d.offsets[i + 1]! - d.offsets[i]! : d.kind === 'number' ? 8 : 1;
    }
    rowOffsets[at + i] = out.offset;
    const buffer = out.reserve(size);
    const start = out.at;
    buffer.writeUInt32LE(size, start);
    buffer.fill(0, start + 4, start + 4 + nullBytes);
    let value = start + head;
    for (let c = 0; c < n; c++) {
      const d = data[c]!;
      const valid = isValid(d.validity, i);
      if (!valid) buffer[start + 4 + (c >> 3)] = buffer[start + 4 + (c >> 3)]! | (1 << (c & 7));
      else if (d.kind === 'utf8') {
        buffer.set(d.bytes.subarray(d.offsets[i]!, d.offsets[i + 1]!), value);
        value += d.offsets[i + 1]! - d.offsets[i]!;
      } else if (d.kind === 'number') {
        buffer.writeDoubleLE(Number(d.values[i]), value);
        value += 8;
      } else if (d.kind === 'bool') buffer[value++] = d.values[i]!;
      else throw new Error(`column ${c}: unexpected ${d.kind} data`);
      buffer.writeUInt32LE(value - start - head, start + 4 + nullBytes + 4 * c);
      if (c === keyColumn) {
        const k = d as Extract<ColumnData, { kind: 'utf8' }>;
        keys.add(at + i, valid ? k.bytes : null, valid ? k.offsets[i]! : 0, valid ? k.offsets[i + 1]! : 0);
      }
    }
    out.advance(size);
    longest = Math.max(longest, size);
  }
  return longest;
}

/** The key index as slots: each holds its row's key hash and record offset, so a probe reads one range. */
async function writeIndex(out: FileWriter, index: KeyIndex, rowOffsets: Float64Array): Promise<void> {
  const table = index.table;
  const block = 4096;
  for (let from = 0; from < table.length; from += block) {
    const count = Math.min(block, table.length - from);
    const buffer = out.reserve(count * SLOT_BYTES);
    let at = out.at;
    for (let s = from; s < from + count; s++, at += SLOT_BYTES) {
      const row = table[s]!;
      buffer.writeUInt32LE(row === EMPTY ? 0 : hashString(index.keyOf(row)), at);
      buffer.writeInt32LE(row, at + 4);
      buffer.writeDoubleLE(row === EMPTY ? 0 : rowOffsets[row]!, at + 8);
    }
    out.advance(count * SLOT_BYTES);
    await out.flush();
  }
}

/** Write `table` of an open snapshot, keyed by `key`, as the served file `path` (atomically). */
export async function writeServedView(connection: DuckDBConnection, table: string, key: string, path: string): Promise<ServedHeader> {
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    const out = new FileWriter(file, RECORDS_START);
    let kinds: ColumnKind[] = [];
    let columns: ServedHeader['columns'] = [];
    let rowOffsets = new Float64Array(1);
    let keys = new KeyBytes(0);
    let keyColumn = -1;
    let longestRecord = 0;
    const rows = await streamView(connection, table, (shape) => {
      columns = shape.columns;
      kinds = columns.map((c) => c.kind);
      keyColumn = columns.findIndex((c) => c.name === key);
      if (keyColumn < 0 || kinds[keyColumn] !== 'text') throw new Error(`${table} has no text key column ${key}`);
      rowOffsets = new Float64Array(shape.rows + 1);
      keys = new KeyBytes(shape.rows);
    }, async (data, at, n) => {
      longestRecord = Math.max(longestRecord, writeRecords(out, kinds, data, at, n, rowOffsets, keyColumn, keys));
      await out.flush();
    });
    rowOffsets[rows] = out.offset;
    const index = new KeyIndex({ bytes: keys.bytes.subarray(0, keys.used), offsets: keys.offsets, valid: keys.valid, rows });
    const rowTable = out.offset;
    out.write(new Uint8Array(rowOffsets.buffer));
    await out.flush();
    const indexAt = out.offset;
    await writeIndex(out, index, rowOffsets);
    const header: ServedHeader = { format: 1, table, key, rows, distinct: index.size, columns, capacity: index.table.length, rowTable, index: indexAt, longestRecord };
    const headerAt = out.offset;
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    out.write(headerBytes);
    await out.flush(true);
    const preamble = Buffer.alloc(RECORDS_START);
    preamble.write(SERVED_MAGIC, 0, 'latin1');
    preamble.writeDoubleLE(headerAt, 8);
    preamble.writeUInt32LE(headerBytes.length, 16);
    await file.write(preamble, 0, RECORDS_START, 0);
    await file.sync();
    await file.close();
    await rename(temporary, path);
    return header;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * The served files of a snapshot file, written if missing: at publication before the pointer moves,
 * or on first opening a snapshot published before served files existed.
 */
export async function ensureServedFiles(snapshotPath: string): Promise<void> {
  const missing = SERVED_VIEWS.filter((v) => !existsSync(servedFilePath(snapshotPath, v.table)));
  if (missing.length === 0) return;
  const instance = await openDuckDB(snapshotPath, { access_mode: 'READ_ONLY', threads: '2' });
  try {
    const connection = await instance.connect();
    for (const view of missing) await writeServedView(connection, view.table, view.key, servedFilePath(snapshotPath, view.table));
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}
