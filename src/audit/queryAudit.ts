/**
 * Who looked at what: records across all chains matching a filter, newest first, a page at a time.
 * A subject is found through each chain's subject index (subjectIndexReader.ts), so its cost is that
 * subject's records; the records a chain has after its index (written in the last moment, or a
 * chain without an index) are read from the chain itself. Every other filter streams the files.
 * Subjects match in canonical form, and a record that names a subject list matches each subject in
 * it. Query does not verify: lines that are not records are skipped, and `dx audit verify` reports them.
 */
import { basename } from 'node:path';
import { decodeCursor, encodeCursor, isoTimeMs, type AuditFilter, type Cursor } from './auditFilter.js';
import { parseRecordLine, type AuditRecord } from './auditRecord.js';
import { readLines } from './lines.js';
import { indexedEnd, recordsAt, subjectHits } from './subjectIndexReader.js';
import { canonicalSubject, listHashOf, readSubjectList, SUBJECT_LIST_PREFIX } from './subjectList.js';
import { chainFiles } from './verifyAudit.js';

export type { AuditFilter } from './auditFilter.js';

export interface AuditPage {
  records: AuditRecord[];
  /** Pass as `cursor` for the page after this one; null when there is none. */
  next: string | null;
}

export interface QueryOptions {
  /** A further condition (the access log keeps only disclosures); applied before the limit. */
  where?: (record: AuditRecord) => boolean;
}

/** Newest first; records of the same instant by chain, then latest seq first. */
export function newestFirst(a: AuditRecord, b: AuditRecord): number {
  return Date.parse(b.time) - Date.parse(a.time) || a.chain.localeCompare(b.chain) || b.seq - a.seq;
}

/** Whether a record comes after the cursor in newest-first order. */
function afterCursor(record: AuditRecord, cursor: Cursor): boolean {
  const time = Date.parse(record.time);
  if (time !== cursor.time) return time < cursor.time;
  if (record.chain !== cursor.chain) return record.chain > cursor.chain;
  return record.seq < cursor.seq;
}

/** The filter's conditions other than the subject, as a predicate; times compared as instants. */
export function recordMatcher(filter: AuditFilter): (record: AuditRecord) => boolean {
  const from = filter.from === undefined ? -Infinity : isoTimeMs(filter.from, 'from');
  const to = filter.to === undefined ? Infinity : isoTimeMs(filter.to, 'to');
  const cursor = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
  return (r) => {
    if (filter.client !== undefined && r.client !== filter.client) return false;
    if (filter.resource !== undefined && r.resource !== filter.resource) return false;
    if (filter.outcome !== undefined && r.outcome !== filter.outcome) return false;
    if (cursor && !afterCursor(r, cursor)) return false;
    const time = Date.parse(r.time);
    return time >= from && time < to;
  };
}

/** Whether a record names the subject (canonical) directly or through a list that holds it. */
function subjectMatcher(dir: string, subject: string): (record: AuditRecord) => Promise<boolean> {
  const wanted = canonicalSubject(subject);
  const lists = new Map<string, boolean>();
  return async (record) => {
    for (const s of record.subjects) {
      const canonical = canonicalSubject(s);
      if (canonical === wanted) return true;
      const hash = listHashOf(canonical);
      if (hash === null || listHashOf(wanted) !== null) continue;
      if (!lists.has(hash)) {
        const list = await readSubjectList(dir, hash);
        lists.set(hash, 'subjects' in list && list.subjects.includes(wanted));
      }
      if (lists.get(hash)) return true;
    }
    return false;
  };
}

/** A record the index found does name the subject (keys are 64-bit hashes: a collision is not a match). */
function names(record: AuditRecord, subject: string, list: string | null): boolean {
  if (list !== null) return record.subjects.includes(`${SUBJECT_LIST_PREFIX}${list}`);
  const wanted = canonicalSubject(subject);
  return record.subjects.some((s) => canonicalSubject(s) === wanted);
}

/** Keeps the newest `limit` + 1 records seen (one more tells that a next page exists). */
class Newest {
  private kept: AuditRecord[] = [];
  constructor(private readonly limit: number) {}
  add(record: AuditRecord): void {
    this.kept.push(record);
    // Sort and cut only now and then, so keeping the newest N stays cheap over a long log.
    if (this.kept.length >= 2 * this.limit + 1000) this.trim();
  }
  private trim(): void {
    this.kept = this.kept.sort(newestFirst).slice(0, this.limit + 1);
  }
  page(): AuditPage {
    this.trim();
    const more = this.kept.length > this.limit;
    const records = this.kept.slice(0, this.limit);
    return { records, next: more && records.length > 0 ? encodeCursor(records.at(-1)!) : null };
  }
}

async function scan(file: string, start: number, keep: (record: AuditRecord) => Promise<void>): Promise<void> {
  for await (const line of readLines(file, start)) {
    const parsed = parseRecordLine(line.text);
    if ('record' in parsed) await keep(parsed.record);
  }
}

export async function queryAuditPage(dir: string, filter: AuditFilter, options: QueryOptions = {}): Promise<AuditPage> {
  const limit = filter.limit ?? Infinity;
  if (!(limit >= 0)) throw new Error(`audit query: limit must be a number of at least 0, not ${filter.limit}`);
  const matches = recordMatcher(filter);
  const where = options.where ?? (() => true);
  const newest = new Newest(limit);
  const ofSubject = filter.subject === undefined ? null : subjectMatcher(dir, filter.subject);
  const keep = async (record: AuditRecord) => {
    if (matches(record) && where(record) && (!ofSubject || (await ofSubject(record)))) newest.add(record);
  };
  for (const file of await chainFiles(dir)) {
    const chain = basename(file, '.log');
    const hits = filter.subject === undefined ? null : await subjectHits(dir, chain, filter.subject);
    if (!hits) {
      await scan(file, 0, keep);
      continue;
    }
    // The index's hits are newest first: read them in slices and stop once a page is full in this chain.
    let kept = 0;
    const via = new Map(hits.hits.map((h) => [h.seq, h.list]));
    const seqs = [...via.keys()];
    for (let i = 0; i < seqs.length && kept <= limit; i += 256) {
      for (const record of await recordsAt(file, dir, chain, seqs.slice(i, i + 256))) {
        if (matches(record) && where(record) && names(record, filter.subject!, via.get(record.seq) ?? null)) {
          newest.add(record);
          kept++;
        }
      }
    }
    await scan(file, await indexedEnd(dir, chain, hits.indexed), keep);
  }
  return newest.page();
}

/** Every record matching the filter (up to its limit), newest first. */
export async function queryAudit(dir: string, filter: AuditFilter, options: QueryOptions = {}): Promise<AuditRecord[]> {
  return (await queryAuditPage(dir, filter, options)).records;
}
