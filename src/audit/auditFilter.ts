/**
 * An audit query's filter as it arrives (a query string, CLI options), checked once: only known
 * filters, times in ISO 8601 (a date, or a date and time with its zone), a cursor that this
 * exchange made. Anything else is an AuditFilterError, answered 400, never a 500 or a silently
 * ignored filter.
 */
import type { AuditRecord } from './auditRecord.js';
import { OUTCOMES } from './auditRecord.js';

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
  /** Where the previous page ended (its `next`). */
  cursor?: string;
}

export class AuditFilterError extends Error {
  override name = 'AuditFilterError';
}

/** Filters a query may carry; `purpose` is the caller's stated purpose, audited, not a filter. */
const KNOWN = new Set(['client', 'subject', 'resource', 'outcome', 'from', 'to', 'limit', 'cursor', 'purpose']);

const ISO_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d))?$/;

/** Milliseconds of an ISO 8601 time; a date alone is its midnight UTC. */
export function isoTimeMs(value: string, name: string): number {
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new AuditFilterError(`${name} "${value.slice(0, 40)}" is not an ISO 8601 date or time (e.g. 2026-11-03 or 2026-11-03T09:00:00Z)`);
  return ms;
}

/** Where a page ended: the last record's time, chain and seq. */
export interface Cursor {
  time: number;
  chain: string;
  seq: number;
}

export function encodeCursor(record: AuditRecord): string {
  return Buffer.from(JSON.stringify([Date.parse(record.time), record.chain, record.seq])).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  try {
    const [time, chain, seq] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (Number.isFinite(time) && typeof chain === 'string' && Number.isSafeInteger(seq)) return { time: time as number, chain, seq: seq as number };
  } catch {
    // reported below
  }
  throw new AuditFilterError('cursor is not one this exchange gave: pass the "next" of the previous page as it was');
}

/** The filter from a parsed query string, or an AuditFilterError naming what is wrong. */
export function auditFilterOf(query: Record<string, unknown>): AuditFilter {
  const unknown = Object.keys(query).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw new AuditFilterError(`unknown filter ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; the filters are ${[...KNOWN].filter((k) => k !== 'purpose').join(', ')}`);
  const filter: AuditFilter = {};
  for (const name of ['client', 'subject', 'resource', 'outcome', 'from', 'to', 'cursor'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new AuditFilterError(`${name} is given once, as text`);
    filter[name] = value;
  }
  if (filter.outcome !== undefined && !OUTCOMES.includes(filter.outcome as AuditRecord['outcome'])) throw new AuditFilterError(`outcome must be one of ${OUTCOMES.join(', ')}`);
  const from = filter.from === undefined ? undefined : isoTimeMs(filter.from, 'from');
  const to = filter.to === undefined ? undefined : isoTimeMs(filter.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new AuditFilterError('from is after to');
  if (filter.cursor !== undefined) decodeCursor(filter.cursor);
  if (query.limit !== undefined) {
    const limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new AuditFilterError('limit must be a whole number from 1 to 10000');
    filter.limit = limit;
  }
  return filter;
}
