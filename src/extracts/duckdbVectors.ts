/**
 * Whole-column reads of a DuckDB data chunk, straight from the vectors' memory.
 *
 * Why not `vector.getItem(i)`: it tests validity with BigInt arithmetic and reads every
 * non-inlined string (> 12 bytes, e.g. an 18-character ID number or any address) through a
 * native call that allocates an ArrayBuffer, about 1 µs per value; a 20-column extract then
 * runs at a few hundred thousand rows a second. The DuckDB C API fixes the layout of a
 * fetched chunk (flat vectors; validity as 64-bit little-endian words, which is bit for bit
 * Arrow's validity bitmap; 16-byte `string_t`; 16-byte `list_entry_t`), so columns can be
 * copied in bulk instead. The native functions come from `@duckdb/node-bindings`, the
 * package `@duckdb/node-api` itself wraps, resolved from node-api's own location so it is
 * always the exact build node-api uses.
 */
import { createRequire } from 'node:module';
import type { DuckDBDataChunk } from '@duckdb/node-api';

type NativeVector = object;
interface Bindings {
  data_chunk_get_vector(chunk: object, column: number): NativeVector;
  vector_get_data(vector: NativeVector, byteCount: number): Uint8Array;
  vector_get_validity(vector: NativeVector, byteCount: number): Uint8Array | null;
  list_vector_get_child(vector: NativeVector): NativeVector;
  list_vector_get_size(vector: NativeVector): number;
  get_data_from_pointer(buffer: ArrayBufferLike, pointerOffset: number, byteCount: number): Uint8Array;
}

const localRequire = createRequire(import.meta.url);
const bindings = createRequire(localRequire.resolve('@duckdb/node-api'))('@duckdb/node-bindings') as Bindings;

/** Arrow-shaped validity: `bitmap` is null when every row is valid. */
export interface Validity { bitmap: Uint8Array | null; nullCount: number }
/** UTF-8 strings as Arrow lays them out: row i is bytes[offsets[i], offsets[i + 1]). */
export interface Utf8Column { validity: Validity; offsets: Int32Array; bytes: Uint8Array }

const POPCOUNT = new Uint8Array(256).map((_, byte) => { let bits = 0; for (let b = byte; b; b >>= 1) bits += b & 1; return bits; });

export function columnVector(chunk: DuckDBDataChunk, column: number): NativeVector {
  return bindings.data_chunk_get_vector(chunk.chunk, column);
}

/** A copy of the first `byteCount` bytes of the vector's data (the chunk's memory is freed with it). */
export function copyData(vector: NativeVector, byteCount: number): Uint8Array {
  return byteCount === 0 ? new Uint8Array(0) : bindings.vector_get_data(vector, byteCount).slice();
}

export function readValidity(vector: NativeVector, rows: number): Validity {
  const words = Math.ceil(rows / 64);
  const raw = words === 0 ? null : bindings.vector_get_validity(vector, words * 8);
  if (!raw) return { bitmap: null, nullCount: 0 };
  const bitmap = raw.slice(0, Math.ceil(rows / 8));
  if (rows % 8 !== 0) bitmap[bitmap.length - 1]! |= 0xff << (rows % 8); // padding bits count as valid
  let valid = 0;
  for (let i = 0; i < bitmap.length; i++) valid += POPCOUNT[bitmap[i]!]!;
  const nullCount = bitmap.length * 8 - valid;
  return nullCount === 0 ? { bitmap: null, nullCount: 0 } : { bitmap, nullCount };
}

export function isValid(validity: Validity, row: number): boolean {
  const bitmap = validity.bitmap;
  return bitmap === null || (bitmap[row >> 3]! & (1 << (row & 7))) !== 0;
}

// Strings further apart than this are read separately. Readable memory is mapped in whole
// pages (at least 4 KiB), so bytes lying between two live strings less than a page apart
// are on those strings' own pages and safe to copy; a wider gap might cross unmapped memory.
const MAX_GAP = 4096;
// Bounds the bytes copied in one native read when strings are spread out.
const MAX_RUN = 1 << 20;
const TWO_32 = 4294967296;
const pointerCell = new DataView(new ArrayBuffer(8));

function readAt(address: number, byteCount: number): Uint8Array {
  pointerCell.setUint32(0, address % TWO_32, true);
  pointerCell.setUint32(4, Math.floor(address / TWO_32), true);
  return bindings.get_data_from_pointer(pointerCell.buffer, 0, byteCount);
}

function copyBytes(from: Uint8Array, start: number, length: number, to: Uint8Array, at: number): void {
  if (length > 64) to.set(from.subarray(start, start + length), at);
  else for (let k = 0; k < length; k++) to[at + k] = from[start + k]!;
}

/** The vector's `string_t`s as 32-bit words: length, then 12 inline bytes or prefix + pointer. */
function stringWords(vector: NativeVector, rows: number): { raw: Uint8Array; words: Uint32Array } {
  const raw = rows === 0 ? new Uint8Array(0) : bindings.vector_get_data(vector, rows * 16);
  // Vector data is at least 8-byte aligned; copy if it ever were not, rather than misread.
  const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
  return { raw: aligned, words: new Uint32Array(aligned.buffer, aligned.byteOffset, rows * 4) };
}

/**
 * Reads a VARCHAR (or BLOB) vector. Inlined strings (≤ 12 bytes) are copied from the
 * `string_t`s; the others are gathered into runs of nearby addresses so one native read
 * serves many strings (DuckDB keeps a chunk's strings mostly side by side).
 */
export function readUtf8(vector: NativeVector, rows: number): Utf8Column {
  const validity = readValidity(vector, rows);
  const bitmap = validity.bitmap;
  const { raw, words } = stringWords(vector, rows);
  const offsets = new Int32Array(rows + 1);
  let total = 0, longCount = 0;
  for (let i = 0; i < rows; i++) {
    offsets[i] = total;
    if (bitmap !== null && (bitmap[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const length = words[i * 4]!;
    total += length;
    if (length > 12) longCount++;
  }
  offsets[rows] = total;
  const bytes = new Uint8Array(total);
  const long = new Int32Array(longCount);
  for (let i = 0, l = 0; i < rows; i++) {
    const at = offsets[i]!, length = offsets[i + 1]! - at;
    if (length > 12) long[l++] = i;
    else for (let k = 0, from = i * 16 + 4; k < length; k++) bytes[at + k] = raw[from + k]!;
  }
  if (longCount > 0) copyLongStrings(words, long, offsets, bytes);
  return { validity, offsets, bytes };
}

function copyLongStrings(words: Uint32Array, long: Int32Array, offsets: Int32Array, bytes: Uint8Array): void {
  const addresses = new Float64Array(long.length);
  for (let k = 0; k < long.length; k++) addresses[k] = words[long[k]! * 4 + 2]! + words[long[k]! * 4 + 3]! * TWO_32;
  let first = 0;
  while (first < long.length) {
    let low = addresses[first]!;
    let high = low + offsets[long[first]! + 1]! - offsets[long[first]!]!;
    let end = first + 1;
    for (; end < long.length; end++) {
      const row = long[end]!;
      const start = addresses[end]!;
      const stop = start + offsets[row + 1]! - offsets[row]!;
      if (start > high + MAX_GAP || stop < low - MAX_GAP) break;
      const newLow = Math.min(low, start), newHigh = Math.max(high, stop);
      if (newHigh - newLow > MAX_RUN) break;
      low = newLow; high = newHigh;
    }
    const run = readAt(low, high - low);
    for (let k = first; k < end;) {
      // Strings lying in row order both in DuckDB's memory and in the output move in one copy.
      const from = addresses[k]!, to = offsets[long[k]!]!;
      let length = offsets[long[k]! + 1]! - to;
      for (k++; k < end && addresses[k] === from + length && offsets[long[k]!] === to + length; k++) {
        length = offsets[long[k]! + 1]! - to;
      }
      copyBytes(run, from - low, length, bytes, to);
    }
    first = end;
  }
}

/** A list vector's rows as (offset, length) into its child vector, plus that child. */
export interface ListEntries { validity: Validity; starts: Float64Array; lengths: Float64Array; child: NativeVector; childRows: number }

export function readListEntries(vector: NativeVector, rows: number): ListEntries {
  const validity = readValidity(vector, rows);
  const raw = rows === 0 ? new Uint8Array(0) : bindings.vector_get_data(vector, rows * 16);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const starts = new Float64Array(rows), lengths = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    if (!isValid(validity, i)) continue;
    starts[i] = view.getUint32(i * 16, true) + view.getUint32(i * 16 + 4, true) * TWO_32;
    lengths[i] = view.getUint32(i * 16 + 8, true) + view.getUint32(i * 16 + 12, true) * TWO_32;
  }
  return { validity, starts, lengths, child: bindings.list_vector_get_child(vector), childRows: bindings.list_vector_get_size(vector) };
}
