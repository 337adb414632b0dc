/**
 * How each DuckDB column type is read out of a chunk, and which Arrow type it becomes.
 *
 * A chunk column is read once into a small columnar form (`ColumnData`) that both the
 * Arrow and the CSV writers consume. Types without a direct Arrow counterpart here fall
 * back to text: nested values (STRUCT, MAP, non-VARCHAR lists, ...) as JSON, scalars
 * (UUID, INTERVAL, TIME, BLOB, ENUM, HUGEINT, ...) in DuckDB's own string form.
 */
import {
  DataType, Bool, DateDay, Field, Float32, Float64, Int8, Int16, Int32, Int64, List,
  TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond,
  Uint8, Uint16, Uint32, Uint64, Utf8,
} from 'apache-arrow';
import { DuckDBTypeId, JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { columnVector, copyData, isValid, readListEntries, readUtf8, readValidity } from './duckdbVectors.js';
import type { Utf8Column, Validity } from './duckdbVectors.js';

type FixedArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

export type ColumnData =
  | { kind: 'number'; validity: Validity; values: FixedArray }
  | { kind: 'date'; validity: Validity; values: Int32Array }
  /** `perSecond`: units per second (1, 1e3, 1e6 or 1e9). */
  | { kind: 'timestamp'; validity: Validity; values: BigInt64Array; perSecond: number }
  /** One byte per row, as DuckDB stores it. */
  | { kind: 'bool'; validity: Validity; values: Uint8Array }
  /** The unscaled integers as doubles (exact below 2^53) and the scale. */
  | { kind: 'decimal'; validity: Validity; unscaled: Float64Array; scale: number }
  | ({ kind: 'utf8' } & Utf8Column)
  /** Row i's strings are child elements offsets[i] .. offsets[i + 1]. */
  | { kind: 'list'; validity: Validity; offsets: Int32Array; child: Utf8Column }
  | { kind: 'text'; validity: Validity; strings: (string | null)[] };

export interface ColumnPlan {
  name: string;
  arrowType: DataType;
  read(chunk: DuckDBDataChunk, column: number, rows: number): ColumnData;
}

type FixedCtor = { new (buffer: ArrayBuffer, offset: number, length: number): FixedArray; BYTES_PER_ELEMENT: number };

function fixed(arrowType: DataType, Ctor: FixedCtor): Omit<ColumnPlan, 'name'> {
  return { arrowType, read: (chunk, column, rows) => ({ kind: 'number', ...readFixed(chunk, column, rows, Ctor) }) };
}

function readFixed<A extends FixedArray>(chunk: DuckDBDataChunk, column: number, rows: number, Ctor: FixedCtor): { validity: Validity; values: A } {
  const vector = columnVector(chunk, column);
  const bytes = copyData(vector, rows * Ctor.BYTES_PER_ELEMENT);
  return { validity: readValidity(vector, rows), values: new Ctor(bytes.buffer as ArrayBuffer, 0, rows) as A };
}

function timestamp(arrowType: DataType, perSecond: number): Omit<ColumnPlan, 'name'> {
  return { arrowType, read: (chunk, column, rows) => ({ kind: 'timestamp', perSecond, ...readFixed<BigInt64Array>(chunk, column, rows, BigInt64Array) }) };
}

const TWO_32 = 4294967296;

/** DECIMAL is stored as a 16-, 32-, 64- or 128-bit integer depending on its width. */
function readDecimal(chunk: DuckDBDataChunk, column: number, rows: number, width: number, scale: number): ColumnData {
  const vector = columnVector(chunk, column);
  const validity = readValidity(vector, rows);
  const unscaled = new Float64Array(rows);
  if (width <= 4) unscaled.set(new Int16Array(copyData(vector, rows * 2).buffer));
  else if (width <= 9) unscaled.set(new Int32Array(copyData(vector, rows * 4).buffer));
  else {
    const words = width <= 18 ? 2 : 4;
    const raw = copyData(vector, rows * words * 4);
    const u32 = new Uint32Array(raw.buffer), i32 = new Int32Array(raw.buffer);
    for (let i = 0, w = 0; i < rows; i++, w += words) {
      // Little-endian words, the top one signed: exact while |value| < 2^53.
      let value = i32[w + words - 1]!;
      for (let k = words - 2; k >= 0; k--) value = value * TWO_32 + u32[w + k]!;
      unscaled[i] = value;
    }
  }
  return { kind: 'decimal', validity, unscaled, scale };
}

/** VARCHAR[]: the child strings are gathered in row order so the Arrow offsets ascend. */
function readStringList(chunk: DuckDBDataChunk, column: number, rows: number): ColumnData {
  const entries = readListEntries(columnVector(chunk, column), rows);
  const child = readUtf8(entries.child, entries.childRows);
  const offsets = new Int32Array(rows + 1);
  const picked: number[] = [];
  for (let i = 0; i < rows; i++) {
    offsets[i] = picked.length;
    if (!isValid(entries.validity, i)) continue;
    for (let j = entries.starts[i]!, end = j + entries.lengths[i]!; j < end; j++) picked.push(j);
  }
  offsets[rows] = picked.length;
  return { kind: 'list', validity: entries.validity, offsets, child: gatherUtf8(child, picked) };
}

function gatherUtf8(source: Utf8Column, rows: number[]): Utf8Column {
  // Usually the lists' elements already lie in row order from the child's start.
  if (rows.length === source.offsets.length - 1 && rows.every((row, i) => row === i)) return source;
  const offsets = new Int32Array(rows.length + 1);
  let total = 0, nulls = 0;
  const bitmap = new Uint8Array(Math.ceil(rows.length / 8));
  rows.forEach((row, i) => {
    offsets[i] = total;
    total += source.offsets[row + 1]! - source.offsets[row]!;
    if (isValid(source.validity, row)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  });
  offsets[rows.length] = total;
  const bytes = new Uint8Array(total);
  rows.forEach((row, i) => bytes.set(source.bytes.subarray(source.offsets[row]!, source.offsets[row + 1]!), offsets[i]!));
  return { validity: { bitmap: nulls ? bitmap : null, nullCount: nulls }, offsets, bytes };
}

/** The fallback: JSON for nested values, DuckDB's string form for the rest. Slow, but rare. */
function readText(chunk: DuckDBDataChunk, column: number, rows: number, asJson: boolean): ColumnData {
  const strings: (string | null)[] = asJson
    ? chunk.convertColumnValues(column, JsonDuckDBValueConverter).map((v) => (v === null ? null : JSON.stringify(v)))
    : chunk.getColumnValues(column).map((v) => (v === null ? null : String(v)));
  const bitmap = new Uint8Array(Math.ceil(rows / 8));
  let nulls = 0;
  for (let i = 0; i < rows; i++) {
    if (strings[i] === null) nulls++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { kind: 'text', validity: { bitmap: nulls ? bitmap : null, nullCount: nulls }, strings };
}

const NESTED = new Set([DuckDBTypeId.LIST, DuckDBTypeId.ARRAY, DuckDBTypeId.STRUCT, DuckDBTypeId.MAP, DuckDBTypeId.UNION, DuckDBTypeId.VARIANT]);

function planFor(type: DuckDBType): Omit<ColumnPlan, 'name'> {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { arrowType: new Bool(), read: (c, col, rows) => ({ kind: 'bool', ...readFixed<Uint8Array>(c, col, rows, Uint8Array) }) };
    case DuckDBTypeId.TINYINT: return fixed(new Int8(), Int8Array);
    case DuckDBTypeId.SMALLINT: return fixed(new Int16(), Int16Array);
    case DuckDBTypeId.INTEGER: return fixed(new Int32(), Int32Array);
    case DuckDBTypeId.BIGINT: return fixed(new Int64(), BigInt64Array);
    case DuckDBTypeId.UTINYINT: return fixed(new Uint8(), Uint8Array);
    case DuckDBTypeId.USMALLINT: return fixed(new Uint16(), Uint16Array);
    case DuckDBTypeId.UINTEGER: return fixed(new Uint32(), Uint32Array);
    case DuckDBTypeId.UBIGINT: return fixed(new Uint64(), BigUint64Array);
    case DuckDBTypeId.FLOAT: return fixed(new Float32(), Float32Array);
    case DuckDBTypeId.DOUBLE: return fixed(new Float64(), Float64Array);
    case DuckDBTypeId.DATE:
      return { arrowType: new DateDay(), read: (c, col, rows) => ({ kind: 'date', ...readFixed<Int32Array>(c, col, rows, Int32Array) }) };
    // DuckDB's own Arrow export keeps each timestamp's unit; microseconds lose nothing.
    case DuckDBTypeId.TIMESTAMP: return timestamp(new TimestampMicrosecond(), 1e6);
    case DuckDBTypeId.TIMESTAMP_TZ: return timestamp(new TimestampMicrosecond('UTC'), 1e6);
    case DuckDBTypeId.TIMESTAMP_MS: return timestamp(new TimestampMillisecond(), 1e3);
    case DuckDBTypeId.TIMESTAMP_S: return timestamp(new TimestampSecond(), 1);
    case DuckDBTypeId.TIMESTAMP_NS: return timestamp(new TimestampNanosecond(), 1e9);
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type;
      return { arrowType: new Float64(), read: (c, col, rows) => readDecimal(c, col, rows, width, scale) };
    }
    case DuckDBTypeId.VARCHAR:
      return { arrowType: new Utf8(), read: (c, col, rows) => ({ kind: 'utf8', ...readUtf8(columnVector(c, col), rows) }) };
    case DuckDBTypeId.LIST:
      if (type.valueType.typeId === DuckDBTypeId.VARCHAR) {
        return { arrowType: new List(new Field('item', new Utf8(), true)), read: readStringList };
      }
  }
  const asJson = NESTED.has(type.typeId);
  return { arrowType: new Utf8(), read: (c, col, rows) => readText(c, col, rows, asJson) };
}

export function planColumns(names: readonly string[], types: readonly DuckDBType[]): ColumnPlan[] {
  return names.map((name, i) => ({ name, ...planFor(types[i]!) }));
}
