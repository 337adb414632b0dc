/**
 * A per-subject index of one audit chain, written as records are written, so that a person's
 * access log costs what that person's records cost and not a scan of every chain. Derived data:
 * it can be rebuilt from the chain at any time, and `dx audit verify` checks it entry by entry.
 * Files in `<audit>/index/`, all appended only except the bucket heads:
 *
 * - `<chain>.seqs`: one 44-byte slot a record, at (seq - 1) * 44: the record's byte offset in the
 *   chain file (float64), its line's length (uint32) and its hash (32 bytes). Finds a record by seq
 *   without reading the chain, and gives the Merkle leaves of any checkpoint interval.
 * - `<chain>.entries`: one 24-byte entry a (subject, record): the subject's key (a 64-bit hash of
 *   its canonical form), the record's seq (float64), the entry before it in the same
 *   bucket (uint32, 0 = none) and its kind (0: the record names the subject; 1: the subject is in
 *   subject list number `seq`). Each bucket's entries form a list from newest to oldest.
 * - `<chain>.buckets`: the newest entry of each of 2^bits buckets, saved now and then with the
 *   number of entries it covers; entries after that are read from the end of the entries file.
 * - `<chain>.lists`: the subject lists this chain has indexed, by number, one JSON line each.
 */
import { join } from 'node:path';

export const SEQ_SLOT = 44;
export const ENTRY_SIZE = 24;
export const BUCKETS_HEADER = 16;
const MAGIC = 0x44584931; // "DXI1"
export const DEFAULT_BUCKET_BITS = 20;

export const KIND_RECORD = 0;
export const KIND_LIST_MEMBER = 1;

export interface IndexFiles {
  seqs: string;
  entries: string;
  buckets: string;
  lists: string;
}

export function indexDirOf(auditDir: string): string {
  return join(auditDir, 'index');
}

export function indexFiles(auditDir: string, chain: string): IndexFiles {
  const dir = indexDirOf(auditDir);
  return { seqs: join(dir, `${chain}.seqs`), entries: join(dir, `${chain}.entries`), buckets: join(dir, `${chain}.buckets`), lists: join(dir, `${chain}.lists`) };
}

export interface SubjectKey {
  hi: number;
  lo: number;
}

/**
 * The key of a canonical subject: a 64-bit hash (cyrb53's mixing, carried to two 32-bit halves).
 * Not a cryptographic hash: SHA-256 costs microseconds a subject, and the index only needs to spread
 * subjects over buckets; a record found by key is checked against its subjects before it is given.
 */
export function subjectKey(canonical: string): SubjectKey {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < canonical.length; i++) {
    const c = canonical.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return { hi: h1 >>> 0, lo: h2 >>> 0 };
}

/** The key of the records that name subject list `hash`. */
export function listKey(hash: string): SubjectKey {
  return subjectKey(`\u0000list:${hash}`);
}

export const bucketOf = (key: SubjectKey, bits: number): number => key.hi >>> (32 - bits);

export interface Entry extends SubjectKey {
  seq: number;
  /** Entry number + 1 of the entry before this one in its bucket, 0 for none. */
  prev: number;
  kind: number;
}

export function writeEntry(buffer: Buffer, at: number, key: SubjectKey, seq: number, prev: number, kind: number): void {
  buffer.writeUInt32LE(key.hi, at);
  buffer.writeUInt32LE(key.lo, at + 4);
  buffer.writeDoubleLE(seq, at + 8);
  buffer.writeUInt32LE(prev, at + 16);
  buffer.writeUInt32LE(kind, at + 20);
}

export function readEntry(buffer: Buffer, at: number): Entry {
  return { hi: buffer.readUInt32LE(at), lo: buffer.readUInt32LE(at + 4), seq: buffer.readDoubleLE(at + 8), prev: buffer.readUInt32LE(at + 16), kind: buffer.readUInt32LE(at + 20) };
}

export interface SeqSlot {
  offset: number;
  length: number;
  hash: string;
}

export function writeSeqSlot(buffer: Buffer, at: number, slot: SeqSlot): void {
  buffer.writeDoubleLE(slot.offset, at);
  buffer.writeUInt32LE(slot.length, at + 8);
  buffer.write(slot.hash, at + 12, 32, 'hex');
}

export function readSeqSlot(buffer: Buffer, at: number): SeqSlot {
  return { offset: buffer.readDoubleLE(at), length: buffer.readUInt32LE(at + 8), hash: buffer.toString('hex', at + 12, at + 44) };
}

export interface BucketHeads {
  bits: number;
  /** How many entries the heads take into account. */
  covered: number;
  heads: Uint32Array;
}

export function encodeBuckets(b: BucketHeads): Buffer {
  const out = Buffer.alloc(BUCKETS_HEADER + b.heads.byteLength);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(b.bits, 4);
  out.writeDoubleLE(b.covered, 8);
  Buffer.from(b.heads.buffer, b.heads.byteOffset, b.heads.byteLength).copy(out, BUCKETS_HEADER);
  return out;
}

/** The header of a buckets file, or null when it is not one. */
export function decodeBucketsHeader(header: Buffer): { bits: number; covered: number } | null {
  if (header.length < BUCKETS_HEADER || header.readUInt32LE(0) !== MAGIC) return null;
  const bits = header.readUInt32LE(4);
  if (bits < 1 || bits > 28) return null;
  return { bits, covered: header.readDoubleLE(8) };
}

export function decodeBuckets(file: Buffer): BucketHeads | null {
  const header = decodeBucketsHeader(file);
  if (!header || file.length !== BUCKETS_HEADER + 4 * 2 ** header.bits) return null;
  const heads = new Uint32Array(2 ** header.bits);
  Buffer.from(heads.buffer).set(file.subarray(BUCKETS_HEADER));
  return { ...header, heads };
}
