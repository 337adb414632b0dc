/**
 * Builds Arrow record batches from chunk columns, buffer by buffer with `makeData`:
 * the DuckDB buffers already have Arrow's layout, so no per-value Arrow builders.
 */
import { Field, Float64, RecordBatch, Schema, Struct, Utf8, makeData } from 'apache-arrow';
import type { Data, DataType, List } from 'apache-arrow';
import type { DuckDBType } from '@duckdb/node-api';
import { planColumns } from './columns.js';
import type { ColumnData, ColumnPlan } from './columns.js';
import type { Utf8Column, Validity } from './duckdbVectors.js';

/** The Arrow schema an extract of these DuckDB columns is written with (every field nullable). */
export function arrowSchemaForColumns(names: readonly string[], duckdbTypes: readonly DuckDBType[]): Schema {
  return schemaForPlans(planColumns(names, duckdbTypes));
}

export function schemaForPlans(plans: readonly ColumnPlan[]): Schema {
  return new Schema(plans.map((plan) => new Field(plan.name, plan.arrowType, true)));
}

export function recordBatch(schema: Schema, columns: readonly ColumnData[], rows: number): RecordBatch {
  const children = columns.map((column, i) => arrowData(schema.fields[i]!.type, column, rows));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}

function nulls(validity: Validity): { nullCount: number; nullBitmap?: Uint8Array } {
  return validity.bitmap ? { nullCount: validity.nullCount, nullBitmap: validity.bitmap } : { nullCount: 0 };
}

function utf8Data(column: Utf8Column): Data<Utf8> {
  return makeData({ type: new Utf8(), length: column.offsets.length - 1, ...nulls(column.validity), valueOffsets: column.offsets, data: column.bytes });
}

function arrowData(type: DataType, column: ColumnData, rows: number): Data {
  const base = { length: rows, ...nulls(column.validity) };
  switch (column.kind) {
    case 'number': case 'date': case 'timestamp':
      return makeData({ type, ...base, data: column.values } as never);
    case 'bool':
      return makeData({ type, ...base, data: packBits(column.values) } as never);
    case 'decimal':
      return makeData({ type: type as Float64, ...base, data: scaleDown(column.unscaled, column.scale) });
    case 'utf8':
      return utf8Data(column);
    case 'list':
      return makeData({ type: type as List<Utf8>, ...base, valueOffsets: column.offsets, child: utf8Data(column.child) });
    case 'text':
      return utf8Data(encodeStrings(column.strings, column.validity));
  }
}

/** Arrow booleans are one bit per row; DuckDB's are a byte each. */
function packBits(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

const POWERS_OF_TEN = Array.from({ length: 39 }, (_, i) => 10 ** i);

/** Division by the exact power of ten, as DuckDB's own DECIMAL → DOUBLE cast does. */
export function scaleDown(unscaled: Float64Array, scale: number): Float64Array {
  const divisor = POWERS_OF_TEN[scale]!;
  const values = new Float64Array(unscaled.length);
  for (let i = 0; i < unscaled.length; i++) values[i] = unscaled[i]! / divisor;
  return values;
}

function encodeStrings(strings: readonly (string | null)[], validity: Validity): Utf8Column {
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  strings.forEach((s, i) => { offsets[i] = total; if (s !== null) total += Buffer.byteLength(s); });
  offsets[strings.length] = total;
  const bytes = Buffer.alloc(total);
  strings.forEach((s, i) => { if (s !== null) bytes.write(s, offsets[i]!); });
  return { validity, offsets, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
