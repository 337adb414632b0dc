/**
 * The exchange's request pipeline: who is calling (API key), what they asked for and why
 * (purpose), and the audit record of every request, allowed or denied, written before the
 * response leaves. If the audit cannot be written the response becomes a 503: nothing is served
 * unlogged.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/auditRecord.js';
import { isoNow } from '../audit/clock.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { AccessStore, Client, Grant } from '../share/accessStore.js';
import { findGrant } from '../share/grants.js';
import type { SnapshotHolder } from '../share/servingSnapshot.js';

/** What a route tells the audit about its request. */
export interface AuditNote {
  resource: string;
  action: string;
  subjects?: readonly string[];
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
  }
}

/** The exchange's own requests (under /v1/): authorised per client, rate-limited and audited. */
export const isExchangeRequest = (url: string): boolean => url.startsWith('/v1/');

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

export function purposeOf(request: FastifyRequest, body?: { purpose?: string }): string | undefined {
  const query = request.query as { purpose?: string } | undefined;
  const header = request.headers['x-purpose'];
  return body?.purpose ?? query?.purpose ?? (typeof header === 'string' ? decodeURIComponent(header) : undefined);
}

/** The caller's grant of the resource for the purpose, or a 401/403 (deny by default). */
export function requireGrant(request: FastifyRequest, resource: string, purpose: string | undefined): Grant {
  if (!request.client) throw new HttpError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
  if (!purpose) throw new HttpError(403, 'no_purpose', 'every request states its purpose (?purpose= or X-Purpose)');
  const grant = findGrant(request.server.access.read(), request.client.id, resource, purpose);
  if (!grant) throw new HttpError(403, 'not_granted', `no active grant of ${resource} for purpose "${purpose}"`);
  return grant;
}

export function requireRole(request: FastifyRequest, ...roles: Client['roles']): Client {
  if (!request.client) throw new HttpError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
  if (!roles.some((r) => request.client!.roles.includes(r))) throw new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')}`);
  return request.client;
}

function apiKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header : undefined;
}

function auditEntry(request: FastifyRequest, reply: FastifyReply, note: AuditNote): AuditEntry {
  const status = reply.statusCode;
  return {
    time: isoNow(),
    requestId: request.id,
    client: request.client?.id ?? null,
    department: request.client?.department ?? null,
    purpose: purposeOf(request, request.body as { purpose?: string } | undefined) ?? null,
    resource: note.resource,
    action: note.action,
    subjects: note.subjects ?? [],
    fields: status < 400 ? note.fields ?? [] : [],
    outcome: status < 400 ? 'allowed' : status === 401 || status === 403 ? 'denied' : 'error',
    status,
    ...(note.reason ? { reason: note.reason } : {}),
  };
}

export const exchangePipeline = fp(async (fastify) => {
  fastify.decorateRequest('client', null);
  fastify.decorateRequest('auditNote', null);

  // Hooks on every request are callback-style: an async hook costs a promise and a turn of the
  // microtask queue per request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.client = request.server.access.authenticate(apiKey(request)) ?? null;
    done();
  });

  fastify.setErrorHandler(async (error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    if (request.auditNote) request.auditNote.reason = error.message;
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    if (error.validation) return reply.code(400).send({ error: 'invalid_request', message: error.message });
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.code ?? 'error', message: error.message });
    // The overload guard sheds load with a 503: say so (and when to retry) rather than a 500.
    if (error.statusCode === 503) return reply.code(503).header('retry-after', '5').send({ error: 'overloaded', message: error.message });
    request.log.error(error);
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });

  // Every /v1 request is audited before its response is sent; no audit, no response.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!isExchangeRequest(request.url)) return done(null, payload);
    const note = request.auditNote ?? { resource: request.routeOptions.url ?? request.url, action: request.method.toLowerCase() };
    fastify.auditLog.record(auditEntry(request, reply, note), (error) => {
      if (!error) return done(null, payload);
      request.log.error({ err: error }, 'audit unavailable: refusing to serve');
      if (payload && typeof (payload as { destroy?: () => void }).destroy === 'function') (payload as { destroy: () => void }).destroy();
      reply.code(503).header('content-type', 'application/json; charset=utf-8').header('retry-after', '5');
      done(null, JSON.stringify({ error: 'audit_unavailable', message: 'the audit log cannot be written; nothing is served unlogged' }));
    });
  });
});
