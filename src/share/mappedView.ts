/**
 * A view answered from its served file (servedFile.ts) rather than from memory: a lookup reads the
 * key index's slots where the key's probe starts, then the record they point at, with positioned
 * reads through the page cache. The process keeps only a few record buffers, so its resident memory
 * does not grow with the register, and opening the view reads a header.
 *
 * A row number is valid for this view's column readers: the last few records read are kept (an
 * answer reads its row right after finding it), and an older row is read again through the row table.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodedValue, recordOf, type ColumnKind, type ColumnReader, type ColumnView, type ViewRecord } from './columnView.js';
import type { JsonBytes } from './jsonBytes.js';
import { bytesHoldKey, hashString } from './keyIndex.js';
import { RECORDS_START, SERVED_MAGIC, SLOT_BYTES, type ServedHeader } from './servedFile.js';

/** Records kept read: more than an answer reads at once (a batch reads each row and writes it before the next). */
const KEPT_RECORDS = 8;
/** Slots read at once in a probe: a half-full table's probes are mostly one or two slots. */
const PROBE_SLOTS = 4;
/** The first read of a record, in bytes, at most (the longest record, if shorter): a longer record takes a second. */
const FIRST_READ = 4096;

/** One record read into a buffer of its own. */
class RecordBuffer {
  row = -1;
  bytes = Buffer.allocUnsafeSlow(FIRST_READ);
  /** Where the values start. */
  values = 0;

  constructor(private readonly columns: number) {}

  isNull(column: number): boolean {
    return (this.bytes[4 + (column >> 3)]! & (1 << (column & 7))) !== 0;
  }

  /** The value bytes of `column`: [start, end) of `bytes`. */
  start(column: number): number {
    return column === 0 ? this.values : this.values + this.bytes.readUInt32LE(4 + ((this.columns + 7) >> 3) + 4 * (column - 1));
  }

  end(column: number): number {
    return this.values + this.bytes.readUInt32LE(4 + ((this.columns + 7) >> 3) + 4 * column);
  }
}

class ServedColumn implements ColumnReader {
  constructor(readonly name: string, private readonly kind: ColumnKind, private readonly index: number, private readonly view: MappedView) {}

  isNull(row: number): boolean {
    return this.view.record(row).isNull(this.index);
  }

  value(row: number): unknown {
    const record = this.view.record(row);
    if (record.isNull(this.index)) return null;
    return decodedValue(this.kind, record.bytes, record.start(this.index), record.end(this.index));
  }

  writeJson(row: number, out: JsonBytes): void {
    const record = this.view.record(row);
    if (record.isNull(this.index)) return out.ascii('null');
    const start = record.start(this.index);
    const end = record.end(this.index);
    switch (this.kind) {
      case 'text':
        if (!out.quoted(record.bytes, start, end)) out.text(JSON.stringify(record.bytes.toString('utf8', start, end)));
        return;
      case 'json': return out.raw(record.bytes, start, end);
      case 'number': return out.ascii(JSON.stringify(record.bytes.readDoubleLE(start)));
      case 'bool': return out.ascii(record.bytes[start] === 1 ? 'true' : 'false');
    }
  }
}

export class MappedView implements ColumnView {
  private readonly columns: ServedColumn[];
  private readonly byName: Map<string, ServedColumn>;
  private readonly kept: RecordBuffer[];
  private next = 0;
  private readonly probe = Buffer.allocUnsafeSlow(PROBE_SLOTS * SLOT_BYTES);
  private readonly mask: number;
  private readonly keyColumn: number;
  private readonly firstRead: number;
  private closed = false;

  private constructor(private readonly fd: number, readonly header: ServedHeader, readonly fileBytes: number) {
    this.columns = header.columns.map((c, i) => new ServedColumn(c.name, c.kind, i, this));
    this.byName = new Map(this.columns.map((c) => [c.name, c]));
    this.kept = Array.from({ length: KEPT_RECORDS }, () => new RecordBuffer(header.columns.length));
    this.mask = header.capacity - 1;
    this.keyColumn = header.columns.findIndex((c) => c.name === header.key);
    this.firstRead = Math.min(FIRST_READ, header.longestRecord);
  }

  /** Open a served file: its preamble and header are all that is read. */
  static open(path: string): MappedView {
    const fd = openSync(path, 'r');
    try {
      const preamble = Buffer.alloc(RECORDS_START);
      readSync(fd, preamble, 0, RECORDS_START, 0);
      if (preamble.toString('latin1', 0, SERVED_MAGIC.length) !== SERVED_MAGIC) throw new Error(`${path} is not a served file`);
      const headerAt = preamble.readDoubleLE(8);
      const headerBytes = Buffer.alloc(preamble.readUInt32LE(16));
      readFully(fd, headerBytes, headerAt);
      const header = JSON.parse(headerBytes.toString('utf8')) as ServedHeader;
      if (header.format !== 1) throw new Error(`${path}: served file format ${String(header.format)} is not known`);
      return new MappedView(fd, header, fstatSync(fd).size);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get size(): number {
    return this.header.distinct;
  }

  /** The buffers this process holds for the view (the file itself is the page cache's). */
  get memoryBytes(): number {
    return this.kept.reduce((sum, r) => sum + r.bytes.length, this.probe.length);
  }

  column(name: string): ColumnReader | undefined {
    return this.byName.get(name);
  }

  value(row: number, column: string): unknown {
    return this.byName.get(column)?.value(row) ?? null;
  }

  has(key: string): boolean {
    return this.row(key) !== undefined;
  }

  get(key: string): ViewRecord | undefined {
    const row = this.row(key);
    return row === undefined ? undefined : recordOf(this.columns, row);
  }

  /** The row holding `key`: the key index's probe, each candidate's record read and its key compared. */
  row(key: string): number | undefined {
    const hash = hashString(key);
    const { capacity, index } = this.header;
    for (let slot = hash & this.mask, probed = 0; probed < capacity; ) {
      const count = Math.min(PROBE_SLOTS, capacity - slot);
      readFully(this.fd, this.probe, index + slot * SLOT_BYTES, count * SLOT_BYTES);
      for (let i = 0; i < count; i++) {
        const at = i * SLOT_BYTES;
        const row = this.probe.readInt32LE(at + 4);
        if (row < 0) return undefined;
        if (this.probe.readUInt32LE(at) !== hash) continue;
        const record = this.read(row, this.probe.readDoubleLE(at + 8));
        if (bytesHoldKey(record.bytes, record.start(this.keyColumn), record.end(this.keyColumn), key)) return row;
      }
      probed += count;
      slot = (slot + count) & this.mask;
    }
    return undefined;
  }

  /** Keys in row order (each once), read through the row table. */
  *keys(): IterableIterator<string> {
    for (let row = 0; row < this.header.rows; row++) {
      const record = this.record(row);
      if (record.isNull(this.keyColumn)) continue;
      const key = record.bytes.toString('utf8', record.start(this.keyColumn), record.end(this.keyColumn));
      if (this.row(key) === row) yield key;
    }
  }

  /** The record of `row`, read unless it is one of the last few read. */
  record(row: number): RecordBuffer {
    for (const kept of this.kept) if (kept.row === row) return kept;
    if (!(row >= 0 && row < this.header.rows)) throw new RangeError(`row ${row} is not a row of ${this.header.table}`);
    readFully(this.fd, this.probe, this.header.rowTable + row * 8, 8);
    return this.read(row, this.probe.readDoubleLE(0));
  }

  private read(row: number, offset: number): RecordBuffer {
    if (this.closed) throw new Error(`${this.header.table}: the served file is closed`);
    for (const kept of this.kept) if (kept.row === row) return kept;
    const record = this.kept[this.next]!;
    this.next = (this.next + 1) % KEPT_RECORDS;
    record.row = -1;
    const got = readSync(this.fd, record.bytes, 0, this.firstRead, offset);
    const length = got >= 4 ? record.bytes.readUInt32LE(0) : 0;
    if (length < 4 + ((this.header.columns.length + 7) >> 3)) throw new Error(`${this.header.table}: row ${row} could not be read from the served file`);
    if (length > record.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(length);
      record.bytes.copy(grown, 0, 0, got);
      record.bytes = grown;
    }
    if (length > got) readFully(this.fd, record.bytes, offset + got, length - got, got);
    record.values = 4 + ((this.header.columns.length + 7) >> 3) + 4 * this.header.columns.length;
    record.row = row;
    return record;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Read `length` bytes at file `position` into `into` from `at`, or fail. */
function readFully(fd: number, into: Buffer, position: number, length = into.length, at = 0): void {
  let done = 0;
  while (done < length) {
    const got = readSync(fd, into, at + done, length - done, position + done);
    if (got === 0) throw new Error('the served file ended early');
    done += got;
  }
}
