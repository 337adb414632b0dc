/**
 * Who looked at what: records across all chains matching a filter, newest first. Files are streamed;
 * with a limit only the newest `limit` matches are kept in memory. Query does not verify: lines that
 * are not records are skipped here, and `dx audit verify` is the tool that reports them.
 */
import { parseRecordLine, type AuditRecord } from './auditRecord.js';
import { readLines } from './lines.js';
import { chainFiles } from './verifyAudit.js';

export interface AuditFilter {
  client?: string;
  subject?: string;
  resource?: string;
  outcome?: string;
  /** Inclusive, ISO 8601. */
  from?: string;
  /** Exclusive, ISO 8601. */
  to?: string;
  limit?: number;
}

function timeOf(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`audit query: ${what} "${iso}" is not an ISO 8601 time`);
  return ms;
}

/** A predicate for the filter; times are compared as instants, so time zones and precision do not matter. */
export function recordMatcher(filter: AuditFilter): (record: AuditRecord) => boolean {
  const from = filter.from === undefined ? -Infinity : timeOf(filter.from, '--from');
  const to = filter.to === undefined ? Infinity : timeOf(filter.to, '--to');
  return (r) => {
    if (filter.client !== undefined && r.client !== filter.client) return false;
    if (filter.subject !== undefined && !r.subjects.includes(filter.subject)) return false;
    if (filter.resource !== undefined && r.resource !== filter.resource) return false;
    if (filter.outcome !== undefined && r.outcome !== filter.outcome) return false;
    const time = Date.parse(r.time);
    return time >= from && time < to;
  };
}

/** Newest first; records of the same instant by chain, then latest seq first. */
export function newestFirst(a: AuditRecord, b: AuditRecord): number {
  return Date.parse(b.time) - Date.parse(a.time) || a.chain.localeCompare(b.chain) || b.seq - a.seq;
}

export async function queryAudit(dir: string, filter: AuditFilter): Promise<AuditRecord[]> {
  const limit = filter.limit ?? Infinity;
  if (!(limit >= 0)) throw new Error(`audit query: limit must be a number of at least 0, not ${filter.limit}`);
  const matches = recordMatcher(filter);
  let kept: AuditRecord[] = [];
  // Sort and cut only now and then, so keeping the newest N stays cheap over a long log.
  const trim = () => { kept = kept.sort(newestFirst).slice(0, limit); };
  for (const file of await chainFiles(dir)) {
    for await (const line of readLines(file)) {
      const parsed = parseRecordLine(line.text);
      if (!('record' in parsed) || !matches(parsed.record)) continue;
      kept.push(parsed.record);
      if (kept.length >= 2 * limit + 1000) trim();
    }
  }
  trim();
  return kept;
}
