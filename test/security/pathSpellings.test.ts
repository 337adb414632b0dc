/**
 * Every route of the OpenAPI document × every spelling of its path: percent-encoded letters and
 * digits, dot segments, empty segments, case, trailing slashes, matrix parameters, absolute-form.
 * No answer from a route leaves without its audit record, each carries the API's security headers
 * and a request id, no other spelling than the canonical one is answered as the route answers it,
 * and a client's rate limit counts every spelling.
 */
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { API_HEADERS } from '../../src/plugins/securityHeaders.js';
import { publishedDataDir, type TestClient } from '../helpers/exchange.js';
import { auditByRequest, bodyFor, callers, realServer, routeCases, unmatched, withPurpose, type RouteCase } from './corpus.js';

/** Other spellings of a canonical path: each names the same route to a decoding router, or none. */
export function spellings(path: string): Array<[string, string]> {
  const [, first, ...rest] = path.split('/');
  const tail = rest.join('/');
  const encodeFirstLetter = (segment: string) => `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
  const lastLetter = path.search(/[a-z][^a-z]*$/);
  return [
    ['encoded v', `/%76${path.slice(2)}`],
    ['encoded 1', `/v%31${path.slice(3)}`],
    ['encoded letter of the second segment', `/${first}/${encodeFirstLetter(tail)}`],
    ['encoded last letter', `${path.slice(0, lastLetter)}%${path.charCodeAt(lastLetter).toString(16).toUpperCase()}${path.slice(lastLetter + 1)}`],
    ['dot segment', `/${first}/./${tail}`],
    ['encoded dot segment', `/${first}/%2e/${tail}`],
    ['parent segment', `/${first}/x/../${tail}`],
    ['encoded parent segment', `/${first}/x/%2E%2E/${tail}`],
    ['leading double slash', `/${path}`],
    ['inner double slash', `/${first}//${tail}`],
    ['trailing slash', `${path}/`],
    ['upper case', path.toUpperCase()],
    ['matrix parameter', `/${first};x=1/${tail}`],
    ['encoded slash', `/${first}%2F${tail}`],
  ];
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
t.teardown(() => agent.destroy());

interface Answer { status: number; headers: Record<string, unknown>; body: string }

/**
 * One request over a real socket, the target sent exactly as given: app.inject resolves dot
 * segments and absolute-form targets before the server sees them, as a browser would, and an
 * attacker's client does not.
 */
function send(port: number, method: string, target: string, headers: Record<string, string | undefined>, payload?: unknown): Promise<Answer> {
  const body = payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload);
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
  if (body !== undefined) sent['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path: target, headers: sent, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function listening(app: Awaited<ReturnType<typeof realServer>>): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

async function caller(port: number, route: RouteCase, clients: TestClient[], person: string): Promise<TestClient> {
  // The client whose canonical request goes furthest (not refused for its roles): the spellings then test a route that answers.
  let best = clients[0]!;
  let bestStatus = 1000;
  for (const c of clients) {
    const { payload, headers } = bodyFor(route, person);
    const answer = await send(port, route.method, withPurpose(route.path), { ...c.headers, ...headers }, payload);
    const rank = answer.status === 401 || answer.status === 403 ? 900 : answer.status;
    if (rank < bestStatus) [best, bestStatus] = [c, rank];
  }
  return best;
}

t.test('every route × every spelling: audited, with headers, never answered as the canonical spelling', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clients = await callers(dataDir);
  const app = await realServer(t, { dataDir, rateLimit: 1_000_000, rateLimits: { bulk: 1_000_000, read: 1_000_000, change: 1_000_000 } });
  const snapshot = app.snapshots.current()!;
  const person = [...snapshot.persons.keys()][0]!;
  const company = [...snapshot.entities.keys()][0]!;
  const routes = routeCases(app, { person, company });
  t.ok(routes.length >= 30, `${routes.length} operations under /v1 in the OpenAPI document`);

  const port = await listening(app);
  const answers: Array<{ route: RouteCase; spelling: string; url: string; status: number; headers: Record<string, unknown>; body: string }> = [];
  for (const route of routes) {
    const who = await caller(port, route, clients.all, person);
    for (const [spelling, path] of [['canonical', route.path] as [string, string], ...spellings(route.path)]) {
      const { payload, headers } = bodyFor(route, person);
      const answer = await send(port, route.method, withPurpose(path), { ...who.headers, ...headers }, payload);
      answers.push({ route, spelling, url: path, ...answer });
    }
  }
  const audit = auditByRequest(dataDir);
  const problems: string[] = [];
  for (const a of answers) {
    const where = `${a.route.method} ${a.url} (${a.spelling}) → ${a.status}`;
    if (a.status >= 500) problems.push(`${where}: a server error`);
    const id = String(a.headers['request-id'] ?? '');
    if (!id) problems.push(`${where}: no request-id header`);
    for (const [name, value] of Object.entries(API_HEADERS)) if (a.headers[name] !== value) problems.push(`${where}: ${name} is ${String(a.headers[name])}`);
    if (!unmatched(a.status, a.body) && !audit.has(id)) problems.push(`${where}: answered without an audit record`);
    if (a.spelling !== 'canonical' && a.status < 400) problems.push(`${where}: a non-canonical spelling was answered`);
    if (a.status >= 400) {
      const body = JSON.parse(a.body) as Record<string, unknown>;
      if (typeof body.error !== 'string' || typeof body.message !== 'string' || body.requestId !== id) problems.push(`${where}: error body ${a.body.slice(0, 120)}`);
    }
  }
  t.same(problems, [], `${answers.length} answers checked`);
  const refusedSpellings = answers.filter((a) => a.spelling !== 'canonical' && !unmatched(a.status, a.body));
  t.ok(refusedSpellings.length > routes.length, `${refusedSpellings.length} spellings reached a route and were refused there, audited`);
  // A trailing slash is a canonical path of its own, matched by a route with an empty last parameter (refused by it, audited).
  t.same(refusedSpellings.filter((a) => a.spelling !== 'trailing slash').filter((a) => a.status !== 400 || JSON.parse(a.body).error !== 'non_canonical_target').map((a) => `${a.route.method} ${a.url} (${a.spelling}) → ${a.status} ${a.body.slice(0, 80)}`), [], 'each refused as non-canonical');
  t.ok(answers.some((a) => a.spelling === 'canonical' && a.status === 200), 'canonical spellings are answered');
});

t.test('a client\'s rate limit counts every spelling of a route', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const { clerk } = await callers(dataDir);
  const app = await realServer(t, { dataDir, rateLimit: 5 });
  const port = await listening(app);
  const person = [...app.snapshots.current()!.persons.keys()][0]!;
  const path = `/v1/persons/${person}`;
  for (let i = 0; i < 5; i++) t.equal((await send(port, 'GET', withPurpose(path), clerk.headers)).status, 200);
  let limited = 0;
  for (const [spelling, spelled] of [...spellings(path), ['absolute-form', `http://exchange.example${path}`] as [string, string]]) {
    const answer = await send(port, 'GET', withPurpose(spelled), clerk.headers);
    if (unmatched(answer.status, answer.body)) continue;
    t.equal(answer.status, 429, `${spelling}: still limited`);
    limited++;
  }
  t.ok(limited >= 5, `${limited} spellings reached the route, each limited`);
  t.equal((await send(port, 'GET', withPurpose(path), clerk.headers)).status, 429);
});

t.test('over a real socket: absolute-form targets and undecodable paths', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const { clerk } = await callers(dataDir);
  const app = await realServer(t, { dataDir });
  const port = await listening(app);
  const person = [...app.snapshots.current()!.persons.keys()][0]!;
  for (const target of [`http://127.0.0.1:${port}/v1/persons/${person}`, `http://exchange.example/v1/persons/${person}`, `http://exchange.example/%761/persons/${person}`]) {
    const answer = await send(port, 'GET', withPurpose(target), clerk.headers);
    t.equal(answer.status, 400, `${target} refused`);
    t.equal(JSON.parse(answer.body).error, 'non_canonical_target');
    t.ok(auditByRequest(dataDir).has(String(answer.headers['request-id'])), 'and the refusal audited');
    t.notOk(answer.body.includes(person), 'nothing of the person in the answer');
  }
  const canonical = await send(port, 'GET', withPurpose(`/v1/persons/${person}`), clerk.headers);
  t.equal(canonical.status, 200, 'the canonical target is answered');
  const broken = await send(port, 'GET', `/v1/persons/%zz${person}`, clerk.headers);
  t.equal(broken.status, 400);
  t.match(JSON.parse(broken.body), { error: 'invalid_url', requestId: String(broken.headers['request-id']) });
  t.notOk(broken.body.includes(person), 'the path is not echoed');
  t.equal(broken.headers['x-content-type-options'], 'nosniff');
});
