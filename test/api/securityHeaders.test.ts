/** Security headers on the real server: HSTS only over HTTPS, told by a TLS socket or a trusted proxy. */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildServer, type TrustProxy } from '../../src/server.js';
import { API_HEADERS, API_HSTS } from '../../src/plugins/securityHeaders.js';
import { parseTrustProxy } from '../../src/cli/commands/serve.js';
import { publishedDataDir } from '../helpers/exchange.js';

async function server(t: Parameters<typeof publishedDataDir>[0], dataDir: string, trustProxy?: TrustProxy): Promise<FastifyInstance> {
  const app = await buildServer({ dataDir, logLevel: 'silent', auditChain: `headers-${Math.random().toString(36).slice(2, 8)}`, ...(trustProxy === undefined ? {} : { trustProxy }) });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

const viaProxy = (remoteAddress: string, url = '/health') => ({ url, remoteAddress, headers: { 'x-forwarded-proto': 'https' } });

t.test('API answers carry the OWASP set; HSTS only when the request came over HTTPS through a trusted proxy', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const untrusting = await server(t, dataDir);
  for (const request of [{ url: '/health' }, viaProxy('127.0.0.1')]) {
    const answer = await untrusting.inject(request);
    t.equal(answer.statusCode, 200);
    for (const [name, value] of Object.entries(API_HEADERS)) t.equal(answer.headers[name], value, name);
    t.equal(answer.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP, whatever an untrusted X-Forwarded-Proto says');
  }

  const behindProxy = await server(t, dataDir, parseTrustProxy('10.0.0.1, 10.0.1.0/24'));
  for (const proxy of ['10.0.0.1', '10.0.1.7']) {
    const answer = await behindProxy.inject(viaProxy(proxy));
    t.equal(answer.headers['strict-transport-security'], API_HSTS, `HTTPS told by the trusted proxy ${proxy}`);
    t.equal(answer.headers['x-frame-options'], 'DENY');
  }
  t.equal((await behindProxy.inject(viaProxy('10.0.2.1'))).headers['strict-transport-security'], undefined, 'an address outside the trusted list is not believed');
  t.equal((await behindProxy.inject({ url: '/health', remoteAddress: '10.0.0.1' })).headers['strict-transport-security'], undefined, 'plain HTTP through the proxy');

  const page = await behindProxy.inject(viaProxy('10.0.0.1', '/docs/'));
  t.match(page.headers['strict-transport-security'], /^max-age=\d+/, 'pages over HTTPS get helmet\'s HSTS');
  t.equal(page.headers['x-dns-prefetch-control'], 'off', 'and helmet\'s page set');
  t.equal((await behindProxy.inject({ url: '/docs/', remoteAddress: '10.0.0.1' })).headers['strict-transport-security'], undefined, 'but not over plain HTTP');
});

t.test('--trust-proxy takes "true" or addresses and CIDRs', async (t) => {
  t.equal(parseTrustProxy('true'), true);
  t.same(parseTrustProxy('10.0.0.1'), ['10.0.0.1']);
  t.same(parseTrustProxy(' 10.0.0.1 ,192.168.0.0/16,'), ['10.0.0.1', '192.168.0.0/16']);
});
