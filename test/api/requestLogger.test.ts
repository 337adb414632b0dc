/** Request loggers: made only when something is logged, and then bound to the request as before. */
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import t from 'tap';
import { lazyRequestLogger } from '../../src/plugins/requestLogger.js';

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
