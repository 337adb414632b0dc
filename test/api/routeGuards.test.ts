/** Guards bound to the matched route: an undeclared route does not register; every error has the one body. */
import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import t from 'tap';
import { DEFAULT_RATE_LIMITS, routeGuards } from '../../src/plugins/routeGuard.js';
import { targetProblem } from '../../src/plugins/requestTarget.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

async function guarded() {
  const app = Fastify();
  await app.register(rateLimit, { global: false });
  await app.register(routeGuards, { rateLimits: DEFAULT_RATE_LIMITS, helmet: {} });
  return app;
}

t.test('a route that declares no guard fails to register; a /v1 route must be audited', async (t) => {
  const app = await guarded();
  t.throws(() => app.get('/anything', async () => ({})), /declares no guard/);
  t.throws(() => app.get('/v1/secret', { config: { guard: { resource: 'x', action: 'y', access: 'client', audited: false, rateLimit: 'lookup', kind: 'api' } } }, async () => ({})), /every \/v1 route is audited/);
  t.throws(() => app.get('/v1/open', { config: { guard: { resource: 'x', action: 'y', access: 'public', audited: true, rateLimit: 'lookup', kind: 'api' } } }, async () => ({})), /needs a client/);
  t.throws(() => app.get('/v1/x', { config: { guard: { resource: 'x', action: 'y', access: 'client', audited: true, rateLimit: 'nonesuch' as never, kind: 'api' } } }, async () => ({})), /no rate-limit class/);
  t.doesNotThrow(() => app.get('/v1/declared', { config: { guard: { resource: 'x', action: 'y', access: 'client', audited: true, rateLimit: 'lookup', kind: 'api' } } }, async () => ({})));
});

t.test('the canonical form of a request target', async (t) => {
  for (const ok of ['/v1/persons/110101199003070012?purpose=a%20b', '/console/app.js', '/', '/v1/persons/%E5%BC%A0%20x', '/v1/x?q=%76//..']) t.equal(targetProblem(ok), null, ok);
  for (const bad of ['/%761/persons/1', '/v%31/persons', '/v1/%70ersons', '//v1/persons', '/v1//persons', '/v1/./persons', '/v1/../v1/persons', '/v1/persons/..', '/v1/%2e%2e/x', '/v1%2Fpersons', '/v1%5cpersons', 'http://host/v1/persons', '*', '/v1/persons/%', '/v1/persons/%4', '/v1/persons/%zz']) {
    t.type(targetProblem(bad), 'string', bad);
  }
});

t.test('every error has the one body, with the request id also in a header', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { name: 'full' });
  const app = await exchange(t, dataDir);
  const someone = [...app.snapshots.current()!.persons.keys()][0]!;
  const shape = (answer: Awaited<ReturnType<typeof app.inject>>, status: number, error: string) => {
    t.equal(answer.statusCode, status, `${error}: ${answer.body.slice(0, 100)}`);
    t.same(Object.keys(answer.json()).sort(), ['error', 'message', 'requestId']);
    t.equal(answer.json().error, error);
    t.equal(answer.json().requestId, answer.headers['request-id']);
    t.equal(answer.headers['x-content-type-options'], 'nosniff');
  };
  shape(await app.inject({ url: '/v1/nowhere', headers: clerk.headers }), 404, 'not_found');
  shape(await app.inject({ url: '/console/nowhere.js' }), 404, 'not_found');
  const batch = (payload: string, type = 'application/json') => app.inject({ method: 'POST', url: '/v1/persons/batch', headers: { ...clerk.headers, 'content-type': type }, payload });
  shape(await batch('{"ids": ['), 400, 'invalid_json');
  shape(await batch(JSON.stringify({ ids: Array(5000).fill(someone), purpose: 'benefit review' })), 413, 'body_too_large');
  shape(await batch('ids=1', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  shape(await app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review&purpose=other`, headers: clerk.headers }), 400, 'invalid_request');
  shape(await app.inject({ url: `/v1/persons/${someone}`, headers: { ...clerk.headers, 'x-purpose': '%E5%zz' } }), 400, 'invalid_purpose');
  shape(await app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review` }), 401, 'unauthenticated');
  const ok = await app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review`, headers: clerk.headers });
  t.equal(ok.statusCode, 200);
  t.match(ok.headers['request-id'], /^[0-9a-f-]{36}$/, 'a request id on an answer too');
});
