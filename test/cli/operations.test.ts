// Operations: health for load balancers, a taken port, an unreachable Redis, a closed pipe.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { exchangeApp } from '../../src/app.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { childEnv, runDx } from '../helpers/cli.js';
import { publishedDataDir } from '../helpers/exchange.js';
import { tempDir } from '../helpers/warehouse.js';

async function app(t: Test, dataDir: string) {
  const server = Fastify();
  await server.register(exchangeApp, { dataDir, auditChain: 'test', snapshotPollMs: 60_000 });
  t.teardown(() => server.close());
  return server;
}

/** A port something already listens on. */
async function takenPort(t: Test): Promise<number> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => blocker.close());
  return (blocker.address() as { port: number }).port;
}

t.test('/health/ready is 503 until a period is published, /health/live always 200, /health as before', async (t) => {
  const empty = await app(t, join(tempDir(t, 'dx-health-'), 'data'));
  const notReady = await empty.inject({ url: '/health/ready' });
  t.equal(notReady.statusCode, 503);
  t.match(notReady.json(), { status: 'not_ready', reason: /no period is published/, period: null, persons: 0 });
  t.equal((await empty.inject({ url: '/health/live' })).statusCode, 200);
  t.same((await empty.inject({ url: '/health' })).json(), { status: 'ok', period: null, persons: 0, entities: 0 });
  const published = await app(t, await publishedDataDir(t, ['2026-10']));
  const ready = await published.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'ready', period: '2026-10' });
  t.ok(ready.json().persons > 0);
});

t.test('dx serve on a taken port exits 69 with one clear line, and opens no audit chain', async (t) => {
  const port = await takenPort(t);
  const data = join(tempDir(t, 'dx-serve-'), 'data');
  const run = await runDx(['serve', '--data', data, '--port', String(port)]);
  t.equal(run.code, 69);
  t.match(run.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
  t.notOk(existsSync(join(data, 'audit')) && readdirSync(join(data, 'audit')).length > 0, 'no empty audit chain left behind');
});

t.test('dx cycle with REDIS_URL at a stopped Redis: exit 69 naming it, within the configured bound, no stack traces', async (t) => {
  // A port that was free a moment ago: nothing listens there.
  const closed = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
  const root = tempDir(t, 'dx-redis-');
  const run = await runDx(['cycle', '--data', join(root, 'data'), '--period', '2026-11', '--source', join(PROJECT_ROOT, 'fixtures', 'sample-city', '2026-11'), '--wait'],
    { REDIS_URL: `redis://:secret@127.0.0.1:${closed}`, DX_REDIS_CONNECT_TIMEOUT_MS: '2000' });
  t.equal(run.code, 69);
  t.match(run.stderr, new RegExp(`Redis at redis://:\\*\\*\\*\\*@127.0.0.1:${closed} is unreachable|ECONNREFUSED`));
  t.notMatch(run.stderr, /secret/, 'the password is not shown');
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
  t.equal(run.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('output into a pipe closed early (dx ... | head) ends quietly', async (t) => {
  const script = `import { quietOnClosedPipe } from ${JSON.stringify(join(PROJECT_ROOT, 'src/cli/output.ts'))};
quietOnClosedPipe();
const line = 'x'.repeat(1000) + '\\n';
const write = () => { while (process.stdout.write(line)); process.stdout.once('drain', write); };
write();`;
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('sh', ['-c', `"${process.execPath}" --import tsx --input-type=module -e '${script.replaceAll("'", "'\\''")}' | head -c 10 >/dev/null`], { cwd: PROJECT_ROOT, env: childEnv() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  t.equal(result.code, 0);
  t.equal(result.stderr, '', 'no EPIPE error');
});
