/** Request loggers: made only when something is logged, and then bound to the request as before. */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import t from 'tap';
import { lazyRequestLogger } from '../../src/plugins/requestLogger.js';
import { exchangeApp } from '../../src/app.js';
import { exchangeServerOptions } from '../../src/server.js';
import { client, grant, publishedDataDir } from '../helpers/exchange.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const app = Fastify({ loggerInstance: pino({ level }, stream), childLoggerFactory: lazyRequestLogger, genReqId: () => `req-${lines.length}` });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/warns', async (request) => {
    request.log.info('not at this level');
    request.log.warn({ detail: 1 }, 'something to look at');
    return { ok: true };
  });
  app.get('/child', async (request) => {
    request.log.child({ step: 'inner' }).warn('from a child');
    return { level: request.log.level };
  });
  return { app, lines };
}

t.test('at level warn, a request that logs nothing writes nothing; a warning carries its request id', async (t) => {
  const { app, lines } = capture('warn');
  t.teardown(() => app.close());
  t.equal((await app.inject('/quiet')).statusCode, 200);
  t.same(lines, [], 'no incoming/completed lines at level warn');
  await app.inject('/warns');
  t.equal(lines.length, 1);
  t.match(lines[0], { level: 40, msg: 'something to look at', detail: 1, reqId: /^req-/ });
  const child = await app.inject('/child');
  t.equal(child.json().level, 'warn');
  t.match(lines[1], { msg: 'from a child', step: 'inner', reqId: /^req-/ });
});

t.test('at level info, Fastify\'s request lines are written with the request id, as with pino\'s own children', async (t) => {
  const { app, lines } = capture('info');
  t.teardown(() => app.close());
  await app.inject('/warns');
  const messages = lines.map((l) => l.msg);
  t.same(messages, ['incoming request', 'not at this level', 'something to look at', 'request completed']);
  t.ok(lines.every((l) => typeof l.reqId === 'string' && l.reqId === lines[0]!.reqId), 'every line bound to the one request');
});

t.test('the server\'s request lines name the route, never the URL (ID numbers, purposes) nor a header', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { name: 'full' });
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
  const options = exchangeServerOptions({ logLevel: 'trace' });
  const app = Fastify({ ...options, logger: { ...(options.logger as object), stream } });
  await app.register(exchangeApp, { dataDir, auditChain: `log-${process.pid}` });
  await app.ready();
  t.teardown(() => app.close());
  const someone = [...app.snapshots.current()!.persons.keys()][0]!;
  t.equal((await app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review`, headers: clerk.headers })).statusCode, 200);
  t.equal((await app.inject({ url: `/v1/nowhere/${someone}?purpose=secret%20inquiry`, headers: clerk.headers })).statusCode, 404);
  const text = lines.join('');
  t.match(text, /"route":"\/v1\/persons\/:id"/, 'the route pattern is logged');
  for (const secret of [someone, 'benefit', 'secret', clerk.key, 'Bearer']) t.notOk(text.includes(secret), `no ${secret.slice(0, 12)}… in the log`);
});
