/**
 * The serving structure of a published view: every column held in flat memory (one byte buffer
 * and an offset array per text column, a typed array per number or yes/no column) with an index from
 * key (ID number, USCC) to row, off the heap too (keyIndex.ts). A lookup is an index probe and a few
 * slices, about a microsecond,
 * where a DuckDB point query costs about a millisecond and an Arrow row a few microseconds more
 * (a chunk search and a visitor per field).
 *
 * Columns are read straight from DuckDB's chunks. Values keep the types a client sees: text,
 * numbers, yes/no, dates as YYYY-MM-DD text, lists as JSON; each provenance group is kept as the
 * JSON text of its struct, so a response splices it in without parsing it.
 */
import { DuckDBTypeId, quotedIdentifier as ident, type DuckDBConnection, type DuckDBStructType, type DuckDBType } from '@duckdb/node-api';
import { planColumns, type ColumnData } from '../extracts/columns.js';
import { isValid, type Validity } from '../extracts/duckdbVectors.js';
import type { JsonBytes } from './jsonBytes.js';
import { KeyIndex, type KeyColumn } from './keyIndex.js';

/** A column's values as a client sees them; `json` columns hold JSON text (lists, provenance). */
export type ColumnKind = 'text' | 'json' | 'number' | 'bool';

export type ViewRecord = Record<string, unknown>;

/** The provenance struct's groups become columns named `provenance.<group>`. */
export const PROVENANCE_PREFIX = 'provenance.';

interface ColumnSpec { name: string; kind: ColumnKind; select: string }

/** How each stored column is selected so that only text, numbers and yes/no remain. */
function columnSpecs(names: readonly string[], types: readonly DuckDBType[]): ColumnSpec[] {
  return names.flatMap((name, i): ColumnSpec[] => {
    const type = types[i]!;
    const column = ident(name);
    switch (type.typeId) {
      case DuckDBTypeId.VARCHAR: return [{ name, kind: 'text', select: column }];
      case DuckDBTypeId.BOOLEAN: return [{ name, kind: 'bool', select: column }];
      case DuckDBTypeId.DATE: case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ:
        return [{ name, kind: 'text', select: `CAST(${column} AS VARCHAR)` }];
      case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER: case DuckDBTypeId.BIGINT:
      case DuckDBTypeId.HUGEINT: case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL:
        return [{ name, kind: 'number', select: `CAST(${column} AS DOUBLE)` }];
      case DuckDBTypeId.STRUCT:
        if (name === 'provenance') {
          return (type as DuckDBStructType).entryNames.map((group) => ({
            name: `${PROVENANCE_PREFIX}${group}`, kind: 'json', select: `to_json(${column}.${ident(group)})::VARCHAR`,
          }));
        }
    }
    return [{ name, kind: 'json', select: `to_json(${column})::VARCHAR` }];
  });
}

/** What an answer reads of one column. */
export interface ColumnReader {
  readonly name: string;
  isNull(row: number): boolean;
  value(row: number): unknown;
  /** The value as JSON, written as UTF-8 into an answer. */
  writeJson(row: number, out: JsonBytes): void;
}

/** One column's values, appended chunk by chunk. */
class Column implements ColumnReader {
  private bytes: Buffer;
  private used = 0;
  /** Text: row i is bytes[offsets[i], offsets[i + 1]). */
  private readonly offsets: Uint32Array | null;
  private readonly numbers: Float64Array | null;
  /** Yes/no: 0 no, 1 yes. */
  private readonly flags: Uint8Array | null;
  private readonly valid: Uint8Array;

  constructor(readonly name: string, readonly kind: ColumnKind, rows: number) {
    const text = kind === 'text' || kind === 'json';
    this.bytes = Buffer.allocUnsafe(text ? Math.max(1024, rows * 16) : 0);
    this.offsets = text ? new Uint32Array(rows + 1) : null;
    this.numbers = kind === 'number' ? new Float64Array(rows) : null;
    this.flags = kind === 'bool' ? new Uint8Array(rows) : null;
    this.valid = new Uint8Array(rows);
  }

  append(at: number, data: ColumnData, rows: number): void {
    const validity: Validity = data.validity;
    for (let i = 0; i < rows; i++) this.valid[at + i] = isValid(validity, i) ? 1 : 0;
    if (data.kind === 'utf8') this.appendText(at, data.offsets, data.bytes, rows);
    else if (data.kind === 'bool') this.flags!.set(data.values.subarray(0, rows), at);
    else if (data.kind === 'number') for (let i = 0; i < rows; i++) this.numbers![at + i] = Number(data.values[i]!);
    else throw new Error(`column ${this.name}: unexpected ${data.kind} data`);
  }

  private appendText(at: number, offsets: Int32Array, bytes: Uint8Array, rows: number): void {
    const length = offsets[rows]!;
    if (this.used + length > 0xffff_ffff) throw new Error(`column ${this.name} holds more than 4 GiB of text; the serving structure cannot hold it`);
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.min(0xffff_ffff, Math.max(this.bytes.length * 2, this.used + length)));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.bytes.set(bytes.subarray(0, length), this.used);
    for (let i = 0; i < rows; i++) this.offsets![at + i] = this.used + offsets[i]!;
    this.used += length;
    this.offsets![at + rows] = this.used;
  }

  /** Give back the spare room of the text buffer once loading is done. */
  seal(): void {
    if (this.offsets && this.used < this.bytes.length) this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
  }

  /** A text column's bytes, offsets and validity, for the key index (after `seal`). */
  keyColumn(): KeyColumn {
    if (!this.offsets) throw new Error(`column ${this.name} is not text and cannot key a view`);
    return { bytes: this.bytes, offsets: this.offsets, valid: this.valid, rows: this.valid.length };
  }

  /** Text (or JSON text) of a row, without the JSON parse. */
  text(row: number): string {
    return this.bytes.toString('utf8', this.offsets![row], this.offsets![row + 1]);
  }

  isNull(row: number): boolean {
    return this.valid[row] === 0;
  }

  value(row: number): unknown {
    if (this.valid[row] === 0) return null;
    switch (this.kind) {
      case 'text': return this.text(row);
      case 'json': return JSON.parse(this.text(row)) as unknown;
      case 'number': return this.numbers![row];
      case 'bool': return this.flags![row] === 1;
    }
  }

  writeJson(row: number, out: JsonBytes): void {
    if (this.valid[row] === 0) return out.ascii('null');
    switch (this.kind) {
      case 'text':
        if (!out.quoted(this.bytes, this.offsets![row]!, this.offsets![row + 1]!)) out.text(JSON.stringify(this.text(row)));
        return;
      case 'json': return out.raw(this.bytes, this.offsets![row], this.offsets![row + 1]);
      case 'number': return out.ascii(JSON.stringify(this.numbers![row]));
      case 'bool': return out.ascii(this.flags![row] === 1 ? 'true' : 'false');
    }
  }

  get memoryBytes(): number {
    return this.bytes.length + (this.offsets?.byteLength ?? 0) + (this.numbers?.byteLength ?? 0) + (this.flags?.byteLength ?? 0) + this.valid.byteLength;
  }
}

/** What a served view answers, whether its columns are loaded (below) or read from a served file (mappedView.ts). */
export interface ColumnView {
  /** Distinct keys. */
  readonly size: number;
  /** Keys in row order (each once). */
  keys(): IterableIterator<string>;
  has(key: string): boolean;
  /** The row holding `key`, if any: valid for the column readers of this view. */
  row(key: string): number | undefined;
  /** A column to read rows of, for answers planned once per view (disclose.ts). */
  column(name: string): ColumnReader | undefined;
  value(row: number, column: string): unknown;
  /** A whole row as a plain object (provenance as one object), for the paths that want one. */
  get(key: string): ViewRecord | undefined;
  /** Bytes this process holds for the view. */
  readonly memoryBytes: number;
}

/** A stored view's columns as served, and its row count. */
export interface ViewShape { columns: { name: string; kind: ColumnKind }[]; rows: number }

/**
 * Stream `table` of an open snapshot in its served form (text, numbers, yes/no; see columnSpecs),
 * chunk by chunk: `onChunk` gets each column's data, the row the chunk starts at and its length.
 */
export async function streamView(connection: DuckDBConnection, table: string,
  onShape: (shape: ViewShape) => void, onChunk: (data: ColumnData[], at: number, rows: number) => void | Promise<void>): Promise<number> {
  const shape = await connection.run(`SELECT * FROM ${ident(table)} LIMIT 0`);
  const specs = columnSpecs(shape.columnNames(), shape.columnTypes());
  const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM ${ident(table)}`)).getRows()[0]![0]);
  onShape({ columns: specs.map(({ name, kind }) => ({ name, kind })), rows: count });
  const result = await connection.stream(`SELECT ${specs.map((s) => `${s.select} AS ${ident(s.name)}`).join(', ')} FROM ${ident(table)}`);
  const plans = planColumns(result.columnNames(), result.columnTypes());
  let rows = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    if (rows + n > count) throw new Error(`${table} changed while it was read`);
    await onChunk(plans.map((plan, c) => plan.read(chunk, c, n)), rows, n);
    rows += n;
  }
  if (rows !== count) throw new Error(`${table}: read ${rows} of ${count} rows; the snapshot could not be read whole`);
  return count;
}

/** Text, JSON text, number or yes/no of one value, as a client sees it. */
export function decodedValue(kind: ColumnKind, bytes: Buffer, start: number, end: number): unknown {
  switch (kind) {
    case 'text': return bytes.toString('utf8', start, end);
    case 'json': return JSON.parse(bytes.toString('utf8', start, end)) as unknown;
    case 'number': return bytes.readDoubleLE(start);
    case 'bool': return bytes[start] === 1;
  }
}

/** A whole row as a plain object, provenance groups gathered into one `provenance` object. */
export function recordOf(columns: readonly ColumnReader[], row: number): ViewRecord {
  const record: ViewRecord = {};
  const provenance: Record<string, unknown> = {};
  for (const column of columns) {
    if (column.name.startsWith(PROVENANCE_PREFIX)) provenance[column.name.slice(PROVENANCE_PREFIX.length)] = column.value(row);
    else record[column.name] = column.value(row);
  }
  if (columns.some((c) => c.name.startsWith(PROVENANCE_PREFIX))) record.provenance = provenance;
  return record;
}

/** A view whose columns are all loaded into this process (the format before served files; kept as the baseline and fallback). */
export class LoadedColumnView implements ColumnView {
  private readonly byName: Map<string, Column>;

  private constructor(private readonly columns: Column[], private readonly index: KeyIndex) {
    this.byName = new Map(columns.map((c) => [c.name, c]));
  }

  /** Load `table` of an open snapshot, keyed by its column `key`. */
  static async load(connection: DuckDBConnection, table: string, key: string): Promise<LoadedColumnView> {
    let columns: Column[] = [];
    await streamView(connection, table,
      (shape) => { columns = shape.columns.map((s) => new Column(s.name, s.kind, shape.rows)); },
      (data, at, n) => data.forEach((d, c) => columns[c]!.append(at, d, n)));
    for (const column of columns) column.seal();
    const keys = columns.find((c) => c.name === key);
    if (!keys) throw new Error(`${table} has no key column ${key}`);
    return new LoadedColumnView(columns, new KeyIndex(keys.keyColumn()));
  }

  get size(): number {
    return this.index.size;
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  has(key: string): boolean {
    return this.index.row(key) !== undefined;
  }

  /** The row holding `key`, if any. */
  row(key: string): number | undefined {
    return this.index.row(key);
  }

  /** A column to read rows of, for answers planned once per view (disclose.ts). */
  column(name: string): ColumnReader | undefined {
    return this.byName.get(name);
  }

  value(row: number, column: string): unknown {
    return this.byName.get(column)?.value(row) ?? null;
  }

  get(key: string): ViewRecord | undefined {
    const row = this.index.row(key);
    return row === undefined ? undefined : recordOf(this.columns, row);
  }

  /** Bytes held by the columns and the key index. */
  get memoryBytes(): number {
    return this.columns.reduce((sum, c) => sum + c.memoryBytes, this.index.memoryBytes);
  }
}
