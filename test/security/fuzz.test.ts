/**
 * A bounded loopback fuzzer: 10,000 malformed requests (app.inject, no socket) over every route of
 * the OpenAPI document: mangled paths, repeated and broken purposes, garbage keys, wrong content
 * types, malformed, deep and oversized bodies. None is answered 500; none 503 except the documented
 * load shedding ("overloaded"); every error has the one body; the process's heap stays bounded.
 * Seeded, so a failure is reproduced by running it again.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { publishedDataDir } from '../helpers/exchange.js';
import { bodyFor, callers, PURPOSE, realServer, routeCases } from './corpus.js';

const REQUESTS = 10_000;

const nasty = fc.constantFrom('%', '%zz', '%00', '%2e%2e', '%2F', '..', '//', ';', '%E4%B8', '\\', '~', '%7E', '?', '#', '&', '=', '%25', '+', '%u0041', '\u00e9');
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), nasty, fc.constant('x'.repeat(5000)));
const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 300 });

const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  text,
  fc.constant('{"ids": ['),
  fc.constant(`{"ids":${'['.repeat(5000)}`),
  fc.constant(JSON.stringify({ ids: Array(3000).fill('110101199003070012'), purpose: PURPOSE })),
  fc.record({ purpose: fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer(), fc.constant(null)), ids: fc.oneof(fc.array(text, { maxLength: 5 }), text), reason: fc.oneof(text, fc.integer()) }).map((o) => JSON.stringify(o)),
);

t.test(`${REQUESTS.toLocaleString('en')} malformed requests: no 500, no 503 but load shedding, the heap bounded`, async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clients = await callers(dataDir);
  const app = await realServer(t, { dataDir, rateLimit: 1_000_000, rateLimits: { bulk: 1_000_000, read: 1_000_000, change: 1_000_000, page: 1_000_000, operations: 1_000_000 } });
  const snapshot = app.snapshots.current()!;
  const person = [...snapshot.persons.keys()][0]!;
  const routes = routeCases(app, { person, company: [...snapshot.entities.keys()][0]! });

  const requests = fc.record({
    route: fc.constantFrom(...routes),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
    cut: fc.nat(), insert: fc.array(nasty, { maxLength: 3 }).map((parts) => parts.join('')),
    query: fc.oneof(
      fc.constant(`purpose=${encodeURIComponent(PURPOSE)}`),
      fc.constant(`purpose=${encodeURIComponent(PURPOSE)}&purpose=other`),
      fc.constant('purpose=%E4%zz'), fc.constant(`purpose=${'p'.repeat(10_000)}`), fc.constant('purpose[]=a&purpose[x]=b'),
      text.map((s) => `purpose=${encodeURIComponent(s)}&since=${encodeURIComponent(s)}&limit=${encodeURIComponent(s)}&format=${encodeURIComponent(s)}`),
    ),
    caller: fc.constantFrom(...clients.all.map((c) => c.headers.authorization), 'Bearer dxk_corpus-clerk.forged', 'Bearer ', 'Basic Zm9vOmJhcg==', `Bearer ${'k'.repeat(9000)}`),
    purposeHeader: fc.option(fc.oneof(latin1, fc.constant('%E4%B8%AD%E6'), fc.constant('%')), { nil: undefined }),
    legalBasisHeader: fc.option(latin1, { nil: undefined }),
    contentType: fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=gb18030', ''),
    body: fc.option(body, { nil: undefined }),
  });

  const heapBefore = process.memoryUsage().heapUsed;
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  let unsendable = 0;
  for (const r of fc.sample(requests, { numRuns: REQUESTS * 2, seed: 20261204 })) {
    if (unsendable + [...statuses.values()].reduce((a, b) => a + b, 0) >= REQUESTS + unsendable && statuses.size > 0 && [...statuses.values()].reduce((a, b) => a + b, 0) >= REQUESTS) break;
    const at = r.cut % (r.route.path.length + 1);
    const url = `${r.route.path.slice(0, at)}${r.insert}${r.route.path.slice(at)}?${r.query}`;
    const headers: Record<string, string> = { authorization: r.caller };
    if (r.purposeHeader !== undefined) headers['x-purpose'] = r.purposeHeader;
    if (r.legalBasisHeader !== undefined) headers['x-legal-basis'] = r.legalBasisHeader;
    if (r.contentType) headers['content-type'] = r.contentType;
    const options: InjectOptions = { method: r.method as 'GET', url, headers, ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { payload: r.body } : r.method === 'POST' ? { payload: bodyFor(r.route, person).payload } : {}) };
    // A URL that the injecting client cannot even parse is not sent (a real client could not send it either).
    const answer = await app.inject(options).catch(() => null);
    if (!answer) { unsendable++; continue; }
    statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
    const where = `${r.method} ${url.slice(0, 120)} → ${answer.statusCode}`;
    // A HEAD answer has no body to tell load shedding by: its GET twin is checked.
    if (answer.statusCode >= 500 && r.method !== 'HEAD' && !(answer.statusCode === 503 && /"error":"overloaded"/.test(answer.body))) problems.push(`${where}: ${answer.body.slice(0, 160)}`);
    if (answer.statusCode >= 400 && r.method !== 'HEAD') {
      const error = (() => { try { return JSON.parse(answer.body) as Record<string, unknown>; } catch { return null; } })();
      if (!error || typeof error.error !== 'string' || typeof error.message !== 'string' || error.requestId !== answer.headers['request-id']) problems.push(`${where}: not the one error body: ${answer.body.slice(0, 160)}`);
      else if (answer.body.length > 2000) problems.push(`${where}: an error body of ${answer.body.length} bytes`);
    }
  }
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  t.equal(total, REQUESTS, `${REQUESTS} requests answered (${unsendable} more could not be sent by the client)`);
  t.same(problems.slice(0, 20), [], `statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  t.ok((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0) > 0, 'some still well-formed enough to be answered');
  const growth = process.memoryUsage().heapUsed - heapBefore;
  t.ok(growth < 256 * 1024 * 1024, `the heap grew by ${Math.round(growth / 1024 / 1024)} MB`);
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'still up');
  t.equal(statuses.get(500) ?? 0, 0, 'no 500 at all, HEAD included');
});
