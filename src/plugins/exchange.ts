/**
 * What the exchange's routes share: who is calling (API key), what they asked for and why
 * (purpose), and the audit record of a request, allowed or denied. The record is written before
 * the response leaves (routeGuard.ts binds that to every audited route); a state change writes its
 * record before it commits (`recordBeforeCommit`). If the audit cannot be written the response
 * becomes a 503: nothing is served or changed unlogged.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/auditRecord.js';
import { isoNow } from '../audit/clock.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { AccessStore, Client, Grant } from '../share/accessStore.js';
import { findGrant } from '../share/grants.js';
import type { SnapshotHolder } from '../share/servingSnapshot.js';
import { excerpt, HttpError } from './httpErrors.js';
import { INITIATOR, LEGAL_BASIS, PURPOSE, statedValueOrNull } from './statedContext.js';
import type { RouteDeclaration } from './routeGuard.js';

export { HttpError } from './httpErrors.js';

/** What a route tells the audit about its request. */
export interface AuditNote {
  resource: string;
  action: string;
  /** Subject IDs in canonical form (ID numbers, USCCs). */
  subjects?: readonly string[];
  /** The same subjects as the caller spelled them, when any spelling differed. */
  subjectsSent?: readonly string[];
  fields?: readonly string[];
  reason?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    access: AccessStore;
    auditLog: AuditLog;
    snapshots: SnapshotHolder;
  }
  interface FastifyRequest {
    client: Client | null;
    auditNote: AuditNote | null;
    /** The status an audit record was already written for (0: none yet). */
    auditedStatus: number;
  }
}

/** The purpose the caller stated (read and checked before the handler ran). */
export function purposeOf(request: FastifyRequest): string | undefined {
  return request.statedPurpose ?? undefined;
}

/** The authenticated caller; the route's guard has refused the unauthenticated already. */
export function caller(request: FastifyRequest): Client {
  if (!request.client) throw new HttpError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
  return request.client;
}

/** The caller's grant of the resource for the purpose, or a 401/403 (deny by default). */
export function requireGrant(request: FastifyRequest, resource: string, purpose: string | undefined): Grant {
  const client = caller(request);
  if (!purpose) throw new HttpError(403, 'no_purpose', 'every request states its purpose (?purpose= or X-Purpose)');
  const grant = findGrant(request.server.access.read(), client.id, resource, purpose);
  if (!grant) throw new HttpError(403, 'not_granted', `no active grant of ${resource} for purpose "${purpose}"`);
  return grant;
}

export function requireRole(request: FastifyRequest, ...roles: Client['roles']): Client {
  const client = caller(request);
  if (!roles.some((r) => client.roles.includes(r))) throw new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')}`);
  return client;
}

export function apiKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
}

const NO_SUBJECTS: readonly string[] = Object.freeze([]);

/** The subject a refused request named in its path, as sent (cut short: it was never validated). */
function subjectOfPath(request: FastifyRequest, declared: RouteDeclaration): readonly string[] {
  if (!declared.subjectParam) return NO_SUBJECTS;
  const value = (request.params as Record<string, unknown> | undefined)?.[declared.subjectParam];
  return typeof value === 'string' ? [excerpt(value, 64)] : NO_SUBJECTS;
}

/** The request's audit entry for an answer of `status`; always a well-formed entry, whatever was sent. */
export function auditEntry(request: FastifyRequest, status: number, declared: RouteDeclaration): AuditEntry {
  const note = request.auditNote;
  const read = request.statedRead;
  const legalBasis = read ? request.statedLegalBasis : statedValueOrNull(request, LEGAL_BASIS);
  const initiator = read ? request.statedInitiator : statedValueOrNull(request, INITIATOR);
  return {
    time: isoNow(),
    requestId: request.id,
    client: request.client?.id ?? null,
    department: request.client?.department ?? null,
    purpose: read ? request.statedPurpose : statedValueOrNull(request, PURPOSE),
    resource: note?.resource ?? declared.resource,
    action: note?.action ?? declared.action,
    subjects: note?.subjects ?? subjectOfPath(request, declared),
    fields: status < 400 ? note?.fields ?? [] : [],
    outcome: status < 400 ? 'allowed' : status === 401 || status === 403 ? 'denied' : 'error',
    status,
    reason: note?.reason ?? request.auditReason ?? undefined,
    legalBasis: legalBasis ?? undefined,
    initiator: initiator ?? undefined,
    subjectsSent: note?.subjectsSent,
  };
}

/**
 * Write the audit record of a state change before making it: the change is made only once its
 * record is in the log, so a change is never made unlogged ("503 but committed"). The record says
 * the change is allowed with `status`; if the change then fails, the answer's own record (a second
 * one, same request id) says how. Call it where the change commits, under the store's lock.
 */
export function recordBeforeCommit(request: FastifyRequest, status = 200): Promise<void> {
  const declared = request.routeOptions.config.guard!;
  return new Promise((resolve, reject) => {
    request.server.auditLog.record(auditEntry(request, status, declared), (error) => {
      if (error) {
        request.log.error({ err: error }, 'audit unavailable: refusing to change');
        return reject(new HttpError(503, 'audit_unavailable', 'the audit log cannot be written; nothing is changed unlogged'));
      }
      request.auditedStatus = status;
      resolve();
    });
  });
}

/** A reply's own audit record, written before it is sent; an audit failure turns it into a 503. */
export function auditOnSend(declared: RouteDeclaration) {
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void): void => {
    // A change recorded before it committed, and answered as recorded, needs no second record.
    if (request.auditedStatus === reply.statusCode) return done(null, payload);
    request.server.auditLog.record(auditEntry(request, reply.statusCode, declared), (error) => {
      if (!error) return done(null, payload);
      request.log.error({ err: error }, 'audit unavailable: refusing to serve');
      if (payload && typeof (payload as { destroy?: () => void }).destroy === 'function') (payload as { destroy: () => void }).destroy();
      reply.code(503).header('content-type', 'application/json; charset=utf-8').header('retry-after', '5');
      done(null, JSON.stringify({ error: 'audit_unavailable', message: 'the audit log cannot be written; nothing is served unlogged', requestId: request.id }));
    });
  };
}
