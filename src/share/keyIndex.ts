/**
 * Key → row for a served view, held outside the JavaScript heap: an open-addressing hash table of
 * row numbers in one Int32Array, over the key column's own UTF-8 bytes.
 *
 * Why not a Map: a Map of a million ID numbers is a million strings and entries on the heap, and
 * every full garbage collection walks them all; at 1M persons such a collection paused lookups and
 * batches by tens of milliseconds. This table is one typed array the collector never looks into,
 * about 8 MB per million keys, and a lookup is a hash of the requested key and a byte compare.
 *
 * Keys are compared as strings (UTF-16 code units). ID numbers and USCCs are ASCII, where a code unit
 * is the byte; a key with other characters is decoded and compared as text, so it is still found.
 */

/** The text of one column: row i is bytes[offsets[i], offsets[i + 1]), null where valid[i] is 0. */
export interface KeyColumn {
  bytes: Buffer;
  offsets: Uint32Array;
  valid: Uint8Array;
  rows: number;
}

/** A free slot of the table. */
export const EMPTY = -1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the key's UTF-16 code units: the slot a key's probe starts at is this, masked. */
export function hashString(key: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** Whether bytes[start, end) hold `key`: byte by byte while both are ASCII, as text otherwise. */
export function bytesHoldKey(bytes: Buffer, start: number, end: number, key: string): boolean {
  const length = end - start;
  let i = 0;
  for (; i < length && i < key.length; i++) {
    const byte = bytes[start + i]!;
    if (byte >= 0x80 || key.charCodeAt(i) >= 0x80) return bytes.toString('utf8', start, end) === key;
    if (byte !== key.charCodeAt(i)) return false;
  }
  return i === length && i === key.length;
}

export class KeyIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private distinct = 0;

  constructor(private readonly column: KeyColumn) {
    // At most half full, so probe runs stay short.
    let capacity = 16;
    while (capacity < column.rows * 2) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let row = 0; row < column.rows; row++) if (column.valid[row] === 1) this.insert(row);
  }

  /** Distinct keys. */
  get size(): number {
    return this.distinct;
  }

  /** The row holding `key`; with a key held twice, the later row (as a Map would keep it). */
  row(key: string): number | undefined {
    for (let slot = hashString(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const row = this.slots[slot]!;
      if (row === EMPTY) return undefined;
      if (this.rowHolds(row, key)) return row;
    }
  }

  /** Keys in row order (each once). */
  *keys(): IterableIterator<string> {
    for (let row = 0; row < this.column.rows; row++) {
      if (this.column.valid[row] !== 1) continue;
      const key = this.keyOf(row);
      if (this.row(key) === row) yield key;
    }
  }

  get memoryBytes(): number {
    return this.slots.byteLength;
  }

  /** The table itself (row per slot, EMPTY where free), for a served file to write as its key index. */
  get table(): Readonly<Int32Array> {
    return this.slots;
  }

  /** The key `row` holds (a valid row). */
  keyOf(row: number): string {
    const { bytes, offsets } = this.column;
    return bytes.toString('utf8', offsets[row]!, offsets[row + 1]!);
  }

  private insert(row: number): void {
    const key = this.keyOf(row);
    for (let slot = hashString(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const held = this.slots[slot]!;
      if (held === EMPTY) {
        this.slots[slot] = row;
        this.distinct++;
        return;
      }
      if (this.rowHolds(held, key)) {
        this.slots[slot] = row;
        return;
      }
    }
  }

  /** Whether `row`'s key is `key`. */
  private rowHolds(row: number, key: string): boolean {
    const { bytes, offsets } = this.column;
    return bytesHoldKey(bytes, offsets[row]!, offsets[row + 1]!, key);
  }
}
