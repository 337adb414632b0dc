/**
 * What the security tests share: a published exchange, one client per role (the clerk holding a
 * grant of every shared resource, every field in full), every route of the OpenAPI document made
 * into a concrete request, and the audit records by request id.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { buildServer, type ServerOptions } from '../../src/server.js';
import { AccessStore, type Role } from '../../src/share/accessStore.js';
import { loadCatalog } from '../../src/share/catalog.js';
import { decideGrant, grantUnconditional, requestGrant } from '../../src/share/grants.js';
import { client, type TestClient } from '../helpers/exchange.js';

export const PURPOSE = 'security corpus';

export interface Callers {
  clerk: TestClient;
  byRole: Record<Exclude<Role, 'department' | 'clerk'>, TestClient>;
  all: TestClient[];
}

/** One client per role; the clerk (department and clerk) granted every shared resource in full for PURPOSE. */
export async function callers(dataDir: string): Promise<Callers> {
  const clerk = await client(dataDir, 'corpus-clerk', 'civil-affairs', ['department', 'clerk']);
  const store = new AccessStore(join(dataDir, 'access'));
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  for (const resource of loadCatalog().filter((r) => r.sharing !== 'not_shared')) {
    const fields = Object.fromEntries(resource.fields.map((f) => [f.name, 'full' as const]));
    const request = { client: clerk.id, resource: resource.id, fields, purposes: [PURPOSE], expiresAt };
    if (resource.sharing === 'unconditional') await grantUnconditional(store, request, 'corpus-admin');
    else await decideGrant(store, (await requestGrant(store, { ...request, legalBasis: 'corpus' })).id, { approve: true, by: 'corpus-admin', reason: 'corpus' });
  }
  const byRole = {
    steward: await client(dataDir, 'corpus-steward', 'data-office', ['steward']),
    analyst: await client(dataDir, 'corpus-analyst', 'data-office', ['analyst']),
    auditor: await client(dataDir, 'corpus-auditor', 'audit-office', ['auditor']),
    provider: await client(dataDir, 'corpus-provider', 'data-office', ['provider']),
  };
  return { clerk, byRole, all: [clerk, ...Object.values(byRole)] };
}

export async function realServer(t: Test, options: ServerOptions): Promise<FastifyInstance> {
  const app = await buildServer({ logLevel: 'silent', auditChain: `sec-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, snapshotPollMs: 1000, ...options });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

export interface RouteCase {
  method: string;
  /** The OpenAPI path, e.g. /v1/persons/{id}. */
  template: string;
  /** A concrete path with sample values. */
  path: string;
}

interface OpenApiParameter { in: string; name: string; schema?: { enum?: string[]; pattern?: string } }

/** A sample value of a path parameter: the first of an enum, one fitting a pattern, or a subject from the snapshot. */
function sampleValue(parameter: OpenApiParameter, subjects: { person: string; company: string }): string {
  const schema = parameter.schema ?? {};
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.pattern?.startsWith('^C')) return 'C000000000000';
  if (schema.pattern?.startsWith('^A')) return 'A0000000000000000';
  if (schema.pattern?.startsWith('^\\d{4}')) return '2026-11';
  if (schema.pattern?.startsWith('^[0-9a-f]{16}')) return '0123456789abcdef';
  if (parameter.name === 'uscc') return subjects.company;
  if (parameter.name === 'id') return subjects.person;
  return 'sample';
}

/** Every operation the OpenAPI document lists under /v1, as a concrete request. */
export function routeCases(app: FastifyInstance, subjects: { person: string; company: string }): RouteCase[] {
  const document = app.swagger() as { paths: Record<string, Record<string, { parameters?: OpenApiParameter[] }>> };
  const cases: RouteCase[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    if (!template.startsWith('/v1/')) continue;
    for (const [method, operation] of Object.entries(operations)) {
      let path = template;
      for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'path')) path = path.replace(`{${parameter.name}}`, encodeURIComponent(sampleValue(parameter, subjects)));
      cases.push({ method: method.toUpperCase(), template, path });
    }
  }
  return cases;
}

/** A body every POST route can take or refuse on its own terms: what it does not know is dropped by its schema. */
export function bodyFor(route: RouteCase, person: string): { payload?: string | Record<string, unknown>; headers?: Record<string, string> } {
  if (route.method !== 'POST') return {};
  if (route.template === '/v1/payments/check') return { payload: `社会保障号码,姓名,发放年月,发放金额,开户银行\n${person},某人,2026-11,100.00,工商银行\n`, headers: { 'content-type': 'text/csv' } };
  return {
    payload: {
      purpose: PURPOSE, reason: 'security corpus', decision: 'accept', ids: [person],
      resource: 'population', fields: { name: 'full' }, purposes: [PURPOSE], legal_basis: 'corpus', expires_at: '2030-01-01',
    },
  };
}

export function withPurpose(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}purpose=${encodeURIComponent(PURPOSE)}`;
}

/** Every audit record written so far, by request id. */
export function auditByRequest(dataDir: string): Map<string, Array<Record<string, unknown>>> {
  const dir = join(dataDir, 'audit');
  const byId = new Map<string, Array<Record<string, unknown>>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      const list = byId.get(String(record.requestId)) ?? [];
      list.push(record);
      byId.set(String(record.requestId), list);
    }
  }
  return byId;
}

/** The 404 of a path no route matched (as opposed to a route's own 404). */
export function unmatched(statusCode: number, body: string): boolean {
  if (statusCode !== 404) return false;
  try {
    return /^no route answers/.test(String((JSON.parse(body) as { message?: unknown }).message));
  } catch {
    return false;
  }
}
