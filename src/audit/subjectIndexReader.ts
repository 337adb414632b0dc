/**
 * Reading a chain's subject index (formats in subjectIndex.ts): the seqs of the records that name a
 * subject, directly or through a subject list, newest first, by following one bucket's list of
 * entries; then those records, read by offset from the chain and checked against their hashes.
 * Works on a chain another process is writing: entries after its last saved bucket heads are read
 * from the end of the entries file.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { parseRecordLine, type AuditRecord } from './auditRecord.js';
import {
  BUCKETS_HEADER, bucketOf, decodeBucketsHeader, ENTRY_SIZE, indexFiles, KIND_LIST_MEMBER, KIND_RECORD, listKey, readEntry, readSeqSlot, SEQ_SLOT,
  subjectKey, type IndexFiles, type SubjectKey,
} from './subjectIndex.js';
import { openIndexWriters } from './subjectIndexWriter.js';
import { canonicalSubject, listHashOf } from './subjectList.js';

async function openIfThere(file: string): Promise<FileHandle | null> {
  try {
    return await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

interface Heads {
  bits: number;
  head: (bucket: number) => Promise<number>;
  /** Entries past the heads, to be scanned: [covered, count). */
  covered: number;
  count: number;
  close: () => Promise<void>;
}

async function headsOf(files: IndexFiles, entries: FileHandle): Promise<Heads | null> {
  const count = Math.floor((await entries.stat()).size / ENTRY_SIZE);
  const live = openIndexWriters.get(files.entries);
  if (live) return { bits: live.bits, head: async (b) => live.head(b), covered: count, count, close: async () => undefined };
  // Held open while walking: the file may be replaced meanwhile, and this handle keeps the one read.
  const buckets = await openIfThere(files.buckets);
  if (!buckets) return null;
  const header = Buffer.alloc(BUCKETS_HEADER);
  await buckets.read(header, 0, BUCKETS_HEADER, 0);
  const decoded = decodeBucketsHeader(header);
  if (!decoded) {
    await buckets.close();
    return null;
  }
  const slot = Buffer.alloc(4);
  return {
    bits: decoded.bits, covered: Math.min(decoded.covered, count), count, close: () => buckets.close(),
    head: async (b) => (await buckets.read(slot, 0, 4, BUCKETS_HEADER + 4 * b), slot.readUInt32LE(0)),
  };
}

const sameKey = (a: SubjectKey, b: SubjectKey) => a.hi === b.hi && a.lo === b.lo;

/** The seq fields of the entries with `key` and `kind`, newest first. */
async function walk(entries: FileHandle, heads: Heads, key: SubjectKey, kind: number): Promise<number[]> {
  const found: number[] = [];
  if (heads.count > heads.covered) {
    const tail = Buffer.alloc((heads.count - heads.covered) * ENTRY_SIZE);
    await entries.read(tail, 0, tail.length, heads.covered * ENTRY_SIZE);
    for (let i = heads.count - heads.covered - 1; i >= 0; i--) {
      const e = readEntry(tail, i * ENTRY_SIZE);
      if (e.kind === kind && sameKey(e, key)) found.push(e.seq);
    }
  }
  const one = Buffer.alloc(ENTRY_SIZE);
  for (let n = await heads.head(bucketOf(key, heads.bits)); n > 0;) {
    await entries.read(one, 0, ENTRY_SIZE, (n - 1) * ENTRY_SIZE);
    const e = readEntry(one, 0);
    if (e.kind === kind && sameKey(e, key)) found.push(e.seq);
    if (e.prev >= n) break; // entries only point back; anything else is damage, reported by verify
    n = e.prev;
  }
  return found;
}

async function listHashes(file: string): Promise<Map<number, string>> {
  const lists = new Map<number, string>();
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line) continue;
    const { list, hash } = JSON.parse(line) as { list: number; hash: string };
    lists.set(list, hash);
  }
  return lists;
}

export interface SubjectHits {
  /** seq of each record naming the subject, newest first, and through which list when it was one. */
  hits: Array<{ seq: number; list: string | null }>;
  /** Records the index holds: records after this one are not in it yet and must be read from the chain. */
  indexed: number;
}

/** Where a subject is in one chain's index; null when the chain has no index. */
export async function subjectHits(auditDir: string, chain: string, subject: string): Promise<SubjectHits | null> {
  const files = indexFiles(auditDir, chain);
  const entries = await openIfThere(files.entries);
  if (!entries) return null;
  try {
    const seqs = await openIfThere(files.seqs);
    const indexed = seqs ? Math.floor((await seqs.stat()).size / SEQ_SLOT) : 0;
    await seqs?.close();
    const heads = await headsOf(files, entries);
    if (!heads) return null;
    const canonical = canonicalSubject(subject);
    const list = listHashOf(canonical);
    const hits: SubjectHits['hits'] = [];
    if (list !== null) {
      for (const seq of await walk(entries, heads, listKey(list), KIND_RECORD)) hits.push({ seq, list });
    } else {
      for (const seq of await walk(entries, heads, subjectKey(canonical), KIND_RECORD)) hits.push({ seq, list: null });
      const numbers = await walk(entries, heads, subjectKey(canonical), KIND_LIST_MEMBER);
      if (numbers.length > 0) {
        const hashes = await listHashes(files.lists);
        for (const number of numbers) {
          const hash = hashes.get(number);
          if (hash) for (const seq of await walk(entries, heads, listKey(hash), KIND_RECORD)) hits.push({ seq, list: hash });
        }
      }
    }
    await heads.close();
    hits.sort((a, b) => b.seq - a.seq);
    return { hits: hits.filter((h) => h.seq <= indexed), indexed };
  } finally {
    await entries.close();
  }
}

/** The records at these seqs, read by offset; a record whose line is not what the index says is left out (verify reports it). */
export async function recordsAt(chainFile: string, auditDir: string, chain: string, seqs: readonly number[]): Promise<AuditRecord[]> {
  const files = indexFiles(auditDir, chain);
  const [slots, log] = await Promise.all([openIfThere(files.seqs), openIfThere(chainFile)]);
  try {
    if (!slots || !log) return [];
    const records: AuditRecord[] = [];
    const slot = Buffer.alloc(SEQ_SLOT);
    for (const seq of seqs) {
      await slots.read(slot, 0, SEQ_SLOT, (seq - 1) * SEQ_SLOT);
      const { offset, length, hash } = readSeqSlot(slot, 0);
      const line = Buffer.alloc(length);
      await log.read(line, 0, length, offset);
      const parsed = parseRecordLine(line.toString('utf8').trimEnd());
      if ('record' in parsed && parsed.record.seq === seq && parsed.record.hash === hash && parsed.record.chain === chain) records.push(parsed.record);
    }
    return records;
  } finally {
    await slots?.close();
    await log?.close();
  }
}

/** The leaf hashes of records from..to (inclusive) from the seq slots: a checkpoint interval's Merkle leaves. */
export async function hashesBetween(auditDir: string, chain: string, from: number, to: number): Promise<string[] | null> {
  const slots = await openIfThere(indexFiles(auditDir, chain).seqs);
  if (!slots) return null;
  try {
    if (to < from) return [];
    const count = to - from + 1;
    const buffer = Buffer.alloc(count * SEQ_SLOT);
    const { bytesRead } = await slots.read(buffer, 0, buffer.length, (from - 1) * SEQ_SLOT);
    if (bytesRead < buffer.length) return null;
    return Array.from({ length: count }, (_, i) => readSeqSlot(buffer, i * SEQ_SLOT).hash);
  } finally {
    await slots.close();
  }
}

/** Byte offset in the chain file just after the last indexed record: where an unindexed tail starts. */
export async function indexedEnd(auditDir: string, chain: string, indexed: number): Promise<number> {
  if (indexed === 0) return 0;
  const slots = await openIfThere(indexFiles(auditDir, chain).seqs);
  if (!slots) return 0;
  try {
    const slot = Buffer.alloc(SEQ_SLOT);
    await slots.read(slot, 0, SEQ_SLOT, (indexed - 1) * SEQ_SLOT);
    const { offset, length } = readSeqSlot(slot, 0);
    return offset + length;
  } finally {
    await slots.close();
  }
}
