/**
 * The writer of one chain's subject index (formats in subjectIndex.ts). The chain's writer hands it
 * each batch of records once their lines are in the chain file; it appends their seq slots and
 * their entries in two writes. On opening it catches up with the chain (records a crash left
 * unindexed, or the whole chain when the index is gone), so the index is rebuilt by opening.
 */
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { parseRecordLine } from './auditRecord.js';
import { readLines } from './lines.js';
import {
  bucketOf, DEFAULT_BUCKET_BITS, decodeBuckets, encodeBuckets, ENTRY_SIZE, indexDirOf, indexFiles, KIND_LIST_MEMBER, KIND_RECORD,
  listKey, readEntry, SEQ_SLOT, subjectKey, writeEntry, writeSeqSlot, type BucketHeads, type IndexFiles, type SubjectKey,
} from './subjectIndex.js';
import { canonicalSubject, listHashOf, readSubjectList } from './subjectList.js';

export interface IndexedRecord {
  seq: number;
  hash: string;
  /** The record's line as written, with its newline. */
  line: string;
  subjects: readonly string[];
}

const PERSIST_EVERY_ENTRIES = 100_000;

/** The writers open in this process, by entries file: a reader here follows their heads in memory. */
export const openIndexWriters = new Map<string, SubjectIndexWriter>();
const PERSIST_EVERY_MS = 10_000;
/** Subject list members indexed per write. */
const LIST_SLICE = 20_000;

interface Pending {
  key: SubjectKey;
  seq: number;
  kind: number;
}

async function sizeOf(handle: FileHandle): Promise<number> {
  return (await handle.stat()).size;
}

async function readListNumbers(file: string): Promise<Map<string, number>> {
  const lists = new Map<string, number>();
  try {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line) continue;
      const { list, hash } = JSON.parse(line) as { list: number; hash: string };
      lists.set(hash, list);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return lists;
}

export class SubjectIndexWriter {
  private lastPersist = Date.now();
  private savedCovered = 0;

  private constructor(
    private readonly auditDir: string,
    readonly files: IndexFiles,
    private readonly seqs: FileHandle,
    private readonly entries: FileHandle,
    private readonly buckets: BucketHeads,
    /** Entries and seq slots in the files. */
    private entryCount: number,
    private seqCount: number,
    private readonly lists: Map<string, number>,
  ) {}

  static async open(auditDir: string, chain: string, chainFile: string, chainSeq: number, bits = DEFAULT_BUCKET_BITS): Promise<SubjectIndexWriter> {
    await mkdir(indexDirOf(auditDir), { recursive: true, mode: 0o700 });
    const files = indexFiles(auditDir, chain);
    const seqs = await open(files.seqs, 'a+', 0o600);
    const entries = await open(files.entries, 'a+', 0o600);
    let buckets = await readFile(files.buckets).then(decodeBuckets, () => null);
    let seqCount = Math.floor((await sizeOf(seqs)) / SEQ_SLOT);
    let entryCount = Math.floor((await sizeOf(entries)) / ENTRY_SIZE);
    // An index ahead of its chain, with other bucket bits, or that lost entries is not trusted: built again.
    if (!buckets || buckets.bits !== bits || seqCount > chainSeq || buckets.covered > entryCount) {
      buckets = { bits, covered: 0, heads: new Uint32Array(2 ** bits) };
      if (seqCount > 0 || entryCount > 0) {
        seqCount = 0;
        entryCount = 0;
        await writeFile(files.lists, '');
      }
    }
    // Whole slots only: a write cut short by a crash is redone from the chain.
    await seqs.truncate(seqCount * SEQ_SLOT);
    await entries.truncate(entryCount * ENTRY_SIZE);
    const writer = new SubjectIndexWriter(auditDir, files, seqs, entries, buckets, entryCount, seqCount, await readListNumbers(files.lists));
    await writer.replayHeads();
    await writer.catchUp(chainFile, chainSeq);
    // A rebuilt index is saved at once; a new one when it has entries worth saving (readers in
    // other processes read the chain itself until then).
    if (writer.entryCount > 0) await writer.persist();
    openIndexWriters.set(files.entries, writer);
    return writer;
  }

  /** Bring the bucket heads up to the entries written after they were last saved. */
  private async replayHeads(): Promise<void> {
    const chunk = Buffer.alloc(ENTRY_SIZE * 65536);
    for (let n = this.buckets.covered; n < this.entryCount;) {
      const count = Math.min(65536, this.entryCount - n);
      await this.entries.read(chunk, 0, count * ENTRY_SIZE, n * ENTRY_SIZE);
      for (let i = 0; i < count; i++) this.buckets.heads[bucketOf(readEntry(chunk, i * ENTRY_SIZE), this.buckets.bits)] = n + i + 1;
      n += count;
    }
    this.buckets.covered = this.entryCount;
  }

  /** Index the chain's records that the index does not hold yet. */
  private async catchUp(chainFile: string, chainSeq: number): Promise<void> {
    if (this.seqCount >= chainSeq) return;
    let offset = 0;
    let batch: IndexedRecord[] = [];
    let batchStart = 0;
    for await (const line of readLines(chainFile)) {
      const start = offset;
      offset += Buffer.byteLength(line.text) + 1;
      const parsed = parseRecordLine(line.text);
      if (!('record' in parsed) || parsed.record.seq <= this.seqCount) continue;
      if (parsed.record.seq !== this.seqCount + batch.length + 1) break; // a broken chain: verify says where
      if (batch.length === 0) batchStart = start;
      batch.push({ seq: parsed.record.seq, hash: parsed.record.hash, line: `${line.text}\n`, subjects: parsed.record.subjects });
      if (batch.length === 10_000) {
        await this.add(batch, batchStart);
        batch = [];
      }
    }
    if (batch.length > 0) await this.add(batch, batchStart);
  }

  /** How many records the index holds (the seq of the last). */
  get records(): number {
    return this.seqCount;
  }

  /** The newest entry number + 1 of a bucket, as written (for readers in this process). */
  head(bucket: number): number {
    return this.buckets.heads[bucket]!;
  }

  get bits(): number {
    return this.buckets.bits;
  }

  /** Index records whose lines were written to the chain from byte `offset` on, in seq order. */
  async add(records: readonly IndexedRecord[], offset: number): Promise<void> {
    const slots = Buffer.alloc(records.length * SEQ_SLOT);
    let pending: Pending[] = [];
    let at = offset;
    for (const [i, record] of records.entries()) {
      const length = Buffer.byteLength(record.line);
      writeSeqSlot(slots, i * SEQ_SLOT, { offset: at, length, hash: record.hash });
      at += length;
      const seen = new Set<string>();
      for (const subject of record.subjects) {
        const canonical = canonicalSubject(subject);
        if (seen.has(canonical)) continue;
        seen.add(canonical);
        const list = listHashOf(canonical);
        if (list !== null && !this.lists.has(list)) {
          // The list's members go in right before the record naming it, in file order.
          await this.writeEntries(pending);
          pending = [];
          await this.indexList(list);
        }
        pending.push({ key: list === null ? subjectKey(canonical) : listKey(list), seq: record.seq, kind: KIND_RECORD });
      }
    }
    await this.writeEntries(pending);
    await this.seqs.write(slots, 0, slots.length, this.seqCount * SEQ_SLOT);
    this.seqCount += records.length;
    if (this.entryCount - this.savedCovered >= PERSIST_EVERY_ENTRIES || Date.now() - this.lastPersist >= PERSIST_EVERY_MS) await this.persist();
  }

  /** Append entries, each linked to the newest one of its bucket; heads move once they are in the file. */
  private async writeEntries(pending: readonly Pending[]): Promise<void> {
    if (pending.length === 0) return;
    const bits = this.buckets.bits;
    const newest = new Map<number, number>();
    const entries = Buffer.alloc(pending.length * ENTRY_SIZE);
    for (const [i, e] of pending.entries()) {
      const bucket = bucketOf(e.key, bits);
      writeEntry(entries, i * ENTRY_SIZE, e.key, e.seq, newest.get(bucket) ?? this.buckets.heads[bucket]!, e.kind);
      newest.set(bucket, this.entryCount + i + 1);
    }
    await this.entries.write(entries, 0, entries.length, this.entryCount * ENTRY_SIZE);
    // Readers follow heads only once what they point at is in the file.
    for (const [bucket, entry] of newest) this.buckets.heads[bucket] = entry;
    this.entryCount += pending.length;
    this.buckets.covered = this.entryCount;
  }

  /**
   * The first record naming a subject list makes its members entries of this chain's index, once.
   * A whole register's list is written in slices, giving the event loop back between them.
   */
  private async indexList(hash: string): Promise<void> {
    const list = await readSubjectList(this.auditDir, hash);
    // A list that is missing or changed is not indexed; verification reports it.
    if (!('subjects' in list)) return;
    const number = this.lists.size + 1;
    this.lists.set(hash, number);
    for (let i = 0; i < list.subjects.length; i += LIST_SLICE) {
      await this.writeEntries(list.subjects.slice(i, i + LIST_SLICE).map((subject) => ({ key: subjectKey(subject), seq: number, kind: KIND_LIST_MEMBER })));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writeFile(this.files.lists, `${JSON.stringify({ list: number, hash })}\n`, { flag: 'a', mode: 0o600 });
  }

  /** Save the bucket heads (a new file renamed over the old, so a reader never sees half of it). */
  async persist(): Promise<void> {
    const temporary = `${this.files.buckets}.${process.pid}.tmp`;
    await writeFile(temporary, encodeBuckets(this.buckets), { mode: 0o600 });
    await rename(temporary, this.files.buckets);
    this.savedCovered = this.buckets.covered;
    this.lastPersist = Date.now();
  }

  async close(): Promise<void> {
    openIndexWriters.delete(this.files.entries);
    await this.persist();
    await this.seqs.close();
    await this.entries.close();
  }
}

