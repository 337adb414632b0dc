/**
 * The audit record and its canonical form. A record's hash covers the previous record's hash and
 * every field of the record itself, so changing, removing or reordering any record breaks the chain
 * from that point on (the X-Road way of making a log tamper-evident).
 */
import { hash as oneShotHash } from 'node:crypto';

/** What the API gives for one access, allowed or denied. */
export interface AuditEntry {
  time: string;                          // ISO 8601
  requestId: string;
  client: string | null;                 // client id, null when unauthenticated
  department: string | null;
  purpose: string | null;
  resource: string;                      // e.g. 'population', 'legal-entity', 'audit', 'grants'
  action: string;                        // e.g. 'lookup', 'batch', 'verify', 'extract', 'approve', 'refuse', 'query'
  subjects: readonly string[];           // subject IDs (ID numbers, USCCs) the request touched
  fields: readonly string[];             // fields returned
  outcome: 'allowed' | 'denied' | 'error';
  status: number;                        // HTTP status
  reason?: string;                       // why denied / error
  legalBasis?: string;                   // the legal basis the caller stated (X-Legal-Basis)
  initiator?: string;                    // the officer who initiated the request (X-Initiator)
  subjectsSent?: readonly string[];      // the subject IDs as sent, only when they differ from `subjects`
}

/** An entry as stored: placed in a chain at `seq`, linked to the record before it. */
export interface AuditRecord extends AuditEntry {
  chain: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/** The `prevHash` of a chain's first record. */
export const GENESIS_HASH = '0'.repeat(64);

export const OUTCOMES: ReadonlyArray<AuditEntry['outcome']> = ['allowed', 'denied', 'error'];

/**
 * JSON with object keys sorted at every depth, no whitespace. Two writers (or a writer and a
 * verifier) serialising the same record get the same bytes whatever order the fields were built in.
 * Undefined object members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One-shot hashing: half the cost of createHash().update().digest() for a record-sized text. */
export function sha256hex(text: string): string {
  return oneShotHash('sha256', text, 'hex');
}

/** The hash a record must carry: over the previous hash and everything in the record except `hash`. */
export function hashOf(record: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = record;
  return sha256hex(`${record.prevHash}\n${canonicalJson(rest)}`);
}

const str = JSON.stringify;

/** JSON of each list a caller has frozen: a grant's field list is the same for every record under it. */
const frozenLists = new WeakMap<readonly string[], string>();

/** A list of strings as JSON, as JSON.stringify writes it; a frozen list is written once. */
function listJson(list: readonly string[]): string {
  const frozen = Object.isFrozen(list);
  if (frozen) {
    const known = frozenLists.get(list);
    if (known !== undefined) return known;
  }
  let json = '[';
  for (let i = 0; i < list.length; i++) json += i === 0 ? str(list[i]) : `,${str(list[i])}`;
  json += ']';
  if (frozen) frozenLists.set(list, json);
  return json;
}

/**
 * Place an entry in a chain: its hash and stored line. Only the known fields are written, so what
 * is hashed is exactly what the format defines; anything else a caller passes along is not logged.
 *
 * The API seals a record for every request, so this one fixed shape is not sorted by
 * `canonicalJson` each time: its members are written out in canonicalJson's key order, each value as
 * JSON.stringify writes it (a frozen list once), and the hash goes in at its place ("hash" sorts
 * between "fields" and "outcome"). A property test holds the two to the same bytes.
 */
export function sealedLine(entry: AuditEntry, chain: string, seq: number, prevHash: string): { hash: string; line: string } {
  const head = `{"action":${str(entry.action)},"chain":${str(chain)},"client":${str(entry.client)},"department":${str(entry.department)},"fields":${listJson(entry.fields)}`;
  const reason = entry.reason === undefined ? '' : `,"reason":${str(entry.reason)}`;
  // Optional members in their sorted places: "initiator" and "legalBasis" after "hash", "subjectsSent" after "subjects".
  const stated = (entry.initiator === undefined ? '' : `,"initiator":${str(entry.initiator)}`) + (entry.legalBasis === undefined ? '' : `,"legalBasis":${str(entry.legalBasis)}`);
  const sent = entry.subjectsSent === undefined ? '' : `,"subjectsSent":${listJson(entry.subjectsSent)}`;
  const tail = `${stated},"outcome":${str(entry.outcome)},"prevHash":${str(prevHash)},"purpose":${str(entry.purpose)}${reason},"requestId":${str(entry.requestId)},"resource":${str(entry.resource)},"seq":${str(seq)},"status":${str(entry.status)},"subjects":${listJson(entry.subjects)}${sent},"time":${str(entry.time)}}`;
  const hash = sha256hex(`${prevHash}\n${head}${tail}`);
  return { hash, line: `${head},"hash":"${hash}"${tail}\n` };
}

/** The record a sealed line stores: only the known fields, copied. */
export function sealRecordLine(entry: AuditEntry, chain: string, seq: number, prevHash: string): { record: AuditRecord; line: string } {
  const { hash, line } = sealedLine(entry, chain, seq, prevHash);
  const record: AuditRecord = {
    chain, seq, prevHash,
    time: entry.time,
    requestId: entry.requestId,
    client: entry.client,
    department: entry.department,
    purpose: entry.purpose,
    resource: entry.resource,
    action: entry.action,
    subjects: [...entry.subjects],
    fields: [...entry.fields],
    outcome: entry.outcome,
    status: entry.status,
    ...(entry.reason === undefined ? {} : { reason: entry.reason }),
    ...(entry.legalBasis === undefined ? {} : { legalBasis: entry.legalBasis }),
    ...(entry.initiator === undefined ? {} : { initiator: entry.initiator }),
    ...(entry.subjectsSent === undefined ? {} : { subjectsSent: [...entry.subjectsSent] }),
    hash,
  };
  return { record, line };
}

export function sealRecord(entry: AuditEntry, chain: string, seq: number, prevHash: string): AuditRecord {
  return sealRecordLine(entry, chain, seq, prevHash).record;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): boolean => v === null || typeof v === 'string';
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);
const isHex64 = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

const ENTRY_FIELDS: Array<[keyof AuditEntry, (v: unknown) => boolean, string]> = [
  ['time', (v) => isString(v) && !Number.isNaN(Date.parse(v)), 'an ISO 8601 time'],
  ['requestId', isString, 'a string'],
  ['client', isNullableString, 'a string or null'],
  ['department', isNullableString, 'a string or null'],
  ['purpose', isNullableString, 'a string or null'],
  ['resource', isString, 'a string'],
  ['action', isString, 'a string'],
  ['subjects', isStringArray, 'a list of strings'],
  ['fields', isStringArray, 'a list of strings'],
  ['outcome', (v) => OUTCOMES.includes(v as AuditEntry['outcome']), `one of ${OUTCOMES.join(', ')}`],
  ['status', (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599, 'an HTTP status'],
  ['reason', (v) => v === undefined || isString(v), 'a string when present'],
  ['legalBasis', (v) => v === undefined || isString(v), 'a string when present'],
  ['initiator', (v) => v === undefined || isString(v), 'a string when present'],
  ['subjectsSent', (v) => v === undefined || isStringArray(v), 'a list of strings when present'],
];

const RECORD_FIELDS: Array<[keyof AuditRecord, (v: unknown) => boolean, string]> = [
  ['chain', isString, 'a string'],
  ['seq', (v) => Number.isSafeInteger(v) && (v as number) >= 1, 'a whole number from 1'],
  ['prevHash', isHex64, '64 hex digits'],
  ['hash', isHex64, '64 hex digits'],
];

function problemWith(value: unknown, fields: Array<[string, (v: unknown) => boolean, string]>): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  for (const [name, ok, expected] of fields) {
    if (!ok((value as Record<string, unknown>)[name])) return `field "${name}" is missing or not ${expected}`;
  }
  return null;
}

/** Why an entry cannot be logged, or null when it can. */
export function entryProblem(value: unknown): string | null {
  return problemWith(value, ENTRY_FIELDS);
}

/** Why a parsed line is not a well-formed record (its hash not yet checked), or null. */
export function recordShapeProblem(value: unknown): string | null {
  return problemWith(value, [...RECORD_FIELDS, ...ENTRY_FIELDS]);
}

/** Parse one log line into a record, or say in plain words why it is not one. */
export function parseRecordLine(line: string): { record: AuditRecord } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: line.trim() === '' ? 'empty line' : 'garbled line: not valid JSON' };
  }
  const shape = recordShapeProblem(value);
  if (shape) return { problem: shape };
  const record = value as AuditRecord;
  if (hashOf(record) !== record.hash) return { problem: 'record changed: its content does not match its hash' };
  return { record };
}
