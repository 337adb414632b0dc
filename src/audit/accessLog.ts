/**
 * A person's access log, as Estonia's Data Tracker shows it: every lookup, batch and extract that
 * disclosed something of them, when, by whom, for what purpose (and legal basis and initiating
 * officer when the record carries them), each with an inclusion proof against a signed checkpoint.
 *
 * Covert access: a grant may carry `covert: { until, reason, since? }` (for example an
 * investigation's lookups). Its accesses from `since` (or from the grant's request) on are left out
 * of the person's own log until `until`, and shown after it; auditors always see them
 * (`GET /v1/audit?subject=`), with the marking.
 */
import { queryAuditPage } from './queryAudit.js';
import { proveInclusion, type InclusionProof } from './inclusionProof.js';
import type { AuditRecord } from './auditRecord.js';
import { canonicalSubject, listHashOf } from './subjectList.js';

export interface CovertMarking {
  until: string;
  reason: string;
  since?: string;
}

/** What the access log needs of a grant. */
export interface GrantView {
  client: string;
  resource: string;
  purposes: readonly string[];
  requestedAt?: string;
  covert?: CovertMarking;
}

export interface Access {
  time: string;
  client: string | null;
  department: string | null;
  purpose: string | null;
  resource: string;
  action: string;
  fields: readonly string[];
  /** Present when the record carries them. */
  legalBasis?: string;
  initiator?: string;
  /** Where the record is, and the proof that it is in the signed trail (null until a checkpoint covers it). */
  record: { chain: string; seq: number; hash: string };
  proof: InclusionProof | null;
  /** The whole record when it names no one else, so its hash can be recomputed from it. */
  content?: AuditRecord;
}

export interface AccessLogPage {
  accesses: Access[];
  next: string | null;
}

/** Records that disclosed something of the person (not denials, nor the person reading their own log). */
const disclosure = (r: AuditRecord) => r.outcome === 'allowed' && r.resource !== 'access-log' && r.fields.length > 0;

/** The covert marking that hides this record from the person at `now`, if any. */
export function hidingMarking(record: AuditRecord, grants: readonly GrantView[], now: Date): CovertMarking | null {
  const time = Date.parse(record.time);
  for (const grant of grants) {
    const covert = grant.covert;
    if (!covert || grant.client !== record.client || grant.resource !== record.resource) continue;
    if (record.purpose === null || !grant.purposes.includes(record.purpose)) continue;
    const since = Date.parse(covert.since ?? grant.requestedAt ?? '');
    if (!(time >= since)) continue; // a marking never reaches back before it was made
    if (now.getTime() < Date.parse(covert.until)) return covert;
  }
  return null;
}

/** A record names no one but this person (and lists or register descriptors): its whole content may be shown. */
function onlyAbout(record: AuditRecord, id: string): boolean {
  const sent = (record as unknown as { subjectsSent?: unknown }).subjectsSent;
  const all = [...record.subjects, ...(Array.isArray(sent) ? sent.filter((s): s is string => typeof s === 'string') : [])];
  return all.every((s) => listHashOf(s) !== null || s.includes('@') || canonicalSubject(s) === id);
}

function accessOf(record: AuditRecord, id: string, proof: InclusionProof | null): Access {
  const extra = record as unknown as { legalBasis?: unknown; initiator?: unknown };
  return {
    time: record.time, client: record.client, department: record.department, purpose: record.purpose,
    resource: record.resource, action: record.action, fields: record.fields,
    ...(typeof extra.legalBasis === 'string' ? { legalBasis: extra.legalBasis } : {}),
    ...(typeof extra.initiator === 'string' ? { initiator: extra.initiator } : {}),
    record: { chain: record.chain, seq: record.seq, hash: record.hash },
    proof,
    ...(onlyAbout(record, id) ? { content: record } : {}),
  };
}

export interface AccessLogOptions {
  limit: number;
  cursor?: string;
  grants: readonly GrantView[];
  now?: Date;
}

/** The person's access log, newest first, a page at a time; covert accesses hidden until their date. */
export async function personAccessLog(auditDir: string, id: string, options: AccessLogOptions): Promise<AccessLogPage> {
  const canonical = canonicalSubject(id);
  const now = options.now ?? new Date();
  const page = await queryAuditPage(auditDir, { subject: canonical, limit: options.limit, ...(options.cursor ? { cursor: options.cursor } : {}) }, {
    where: (r) => disclosure(r) && hidingMarking(r, options.grants, now) === null,
  });
  const accesses: Access[] = [];
  for (const record of page.records) accesses.push(accessOf(record, canonical, await proveInclusion(auditDir, record.chain, record.seq)));
  return { accesses, next: page.next };
}
