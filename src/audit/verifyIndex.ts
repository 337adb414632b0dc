/**
 * Check a chain's subject index against the chain, entry by entry: each record's seq slot (offset,
 * length, hash), then, in order, one entry for each subject it names (and, the first time a subject
 * list is named, one for each subject in the list), each linked to the entry before it in its
 * bucket, and the saved bucket heads where the walk ends. Any record missing from the index, or an
 * entry it should not hold, is reported with the record's seq. One pass over each file; memory is
 * the bucket heads. `rebuildIndex` makes the index again from the chain.
 */
import { existsSync } from 'node:fs';
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { parseRecordLine } from './auditRecord.js';
import { readLines } from './lines.js';
import {
  bucketOf, decodeBuckets, ENTRY_SIZE, indexFiles, KIND_LIST_MEMBER, KIND_RECORD, listKey, readEntry, readSeqSlot, SEQ_SLOT, subjectKey, type SubjectKey,
} from './subjectIndex.js';
import { SubjectIndexWriter } from './subjectIndexWriter.js';
import { canonicalSubject, listHashOf, readSubjectList } from './subjectList.js';

/** Reads a file of fixed-size items in order, a chunk at a time. */
class Items {
  private chunk = Buffer.alloc(0);
  private first = 0;
  constructor(private readonly handle: FileHandle, private readonly size: number, readonly count: number) {}
  async at(n: number): Promise<Buffer | null> {
    if (n >= this.count) return null;
    const per = Math.floor((1 << 20) / this.size);
    if (n < this.first || n >= this.first + this.chunk.length / this.size) {
      this.first = n;
      this.chunk = Buffer.alloc(Math.min(per, this.count - n) * this.size);
      await this.handle.read(this.chunk, 0, this.chunk.length, n * this.size);
    }
    return this.chunk.subarray((n - this.first) * this.size, (n - this.first + 1) * this.size);
  }
}

async function items(file: string, size: number): Promise<{ handle: FileHandle; items: Items }> {
  const handle = await open(file, 'r');
  return { handle, items: new Items(handle, size, Math.floor((await handle.stat()).size / size)) };
}

interface Expected {
  key: SubjectKey;
  seq: number;
  kind: number;
  what: string;
}

async function listNumbers(file: string): Promise<Map<string, number>> {
  const numbers = new Map<string, number>();
  for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n')) {
    if (!line) continue;
    const { list, hash } = JSON.parse(line) as { list: number; hash: string };
    numbers.set(hash, list);
  }
  return numbers;
}

/** Problems of one chain's index (empty when it matches the chain). `writerRunning`: the index may trail the chain. */
export async function verifyIndex(auditDir: string, chain: string, chainFile: string, writerRunning: boolean): Promise<string[]> {
  const files = indexFiles(auditDir, chain);
  if (!existsSync(files.entries) || !existsSync(files.seqs)) return ['subject index: missing (opening the chain, or dx audit verify --rebuild-index, builds it)'];
  const saved = await readFile(files.buckets).catch(() => null);
  // A running writer saves its bucket heads after its first entries; until then there is no file.
  if (!saved && writerRunning) return [];
  const buckets = decodeBuckets(saved ?? Buffer.alloc(0));
  if (!buckets) return ['subject index: the bucket heads are missing or damaged'];
  const seqs = await items(files.seqs, SEQ_SLOT);
  const entries = await items(files.entries, ENTRY_SIZE);
  const numbers = await listNumbers(files.lists);
  const seenLists = new Set<string>();
  const last = new Uint32Array(2 ** buckets.bits);
  let n = 0;
  let offset = 0;
  let records = 0;
  const problems: string[] = [];
  /** Compare the next entry with what is due; false once one differs. */
  const due = async (e: Expected): Promise<boolean> => {
    const bytes = await entries.items.at(n);
    if (!bytes) {
      if (!writerRunning) problems.push(`subject index: record seq ${e.seq} is missing from the index (${e.what}): the index ends before it`);
      return false;
    }
    const actual = readEntry(bytes, 0);
    const bucket = bucketOf(e.key, buckets.bits);
    if (actual.hi !== e.key.hi || actual.lo !== e.key.lo || actual.seq !== e.seq || actual.kind !== e.kind) {
      problems.push(`subject index: record seq ${e.seq} is missing from the index (${e.what}), entry ${n + 1} is another`);
      return false;
    }
    if (actual.prev !== last[bucket]) {
      problems.push(`subject index: entry ${n + 1} (record seq ${e.seq}) does not link to the entry before it in its bucket: entries were removed`);
      return false;
    }
    last[bucket] = ++n;
    return true;
  };
  try {
    walk: for await (const line of readLines(chainFile)) {
      const start = offset;
      offset += Buffer.byteLength(line.text) + 1;
      const parsed = parseRecordLine(line.text);
      if (!('record' in parsed) || parsed.record.seq !== records + 1) break; // the chain's own break is reported by the chain check
      const record = parsed.record;
      const slotBytes = await seqs.items.at(records);
      records++;
      if (!slotBytes) {
        if (!writerRunning) problems.push(`subject index: record seq ${record.seq} is missing from the index (no seq slot)`);
        break;
      }
      const slot = readSeqSlot(slotBytes, 0);
      if (slot.offset !== start || slot.length !== offset - start || slot.hash !== record.hash) {
        problems.push(`subject index: the seq slot of record seq ${record.seq} does not point at it`);
        break;
      }
      const seen = new Set<string>();
      for (const subject of record.subjects) {
        const canonical = canonicalSubject(subject);
        if (seen.has(canonical)) continue;
        seen.add(canonical);
        const hash = listHashOf(canonical);
        if (hash !== null && !seenLists.has(hash)) {
          seenLists.add(hash);
          const list = await readSubjectList(auditDir, hash);
          if (!('subjects' in list)) {
            problems.push(`record seq ${record.seq}: ${list.problem}`);
          } else {
            const number = numbers.get(hash);
            if (number === undefined) {
              problems.push(`subject index: subject list ${hash} of record seq ${record.seq} is not indexed`);
              break walk;
            }
            for (const member of list.subjects) if (!(await due({ key: subjectKey(member), seq: number, kind: KIND_LIST_MEMBER, what: `subject list member ${member.slice(0, 6)}…` }))) break walk;
          }
        }
        const key = hash === null ? subjectKey(canonical) : listKey(hash);
        if (!(await due({ key, seq: record.seq, kind: KIND_RECORD, what: hash === null ? `subject ${canonical.slice(0, 6)}…` : `subject list ${hash.slice(0, 12)}…` }))) break walk;
      }
    }
    if (problems.length === 0 && !writerRunning) {
      if (entries.items.count > n || seqs.items.count > records) problems.push(`subject index: holds entries for records the chain does not have (after seq ${records})`);
      else if (buckets.covered === n && last.some((head, bucket) => head !== buckets.heads[bucket])) problems.push('subject index: the saved bucket heads do not match its entries');
    }
  } finally {
    await seqs.handle.close();
    await entries.handle.close();
  }
  return problems;
}

/** Make a chain's index again from the chain (no writer may be running it). */
export async function rebuildIndex(auditDir: string, chain: string, chainFile: string, chainSeq: number): Promise<void> {
  const files = indexFiles(auditDir, chain);
  await Promise.all(Object.values(files).map((file) => rm(file, { force: true })));
  const writer = await SubjectIndexWriter.open(auditDir, chain, chainFile, chainSeq);
  await writer.close();
}
