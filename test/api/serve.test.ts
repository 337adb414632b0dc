/** Several dx serve processes serve the same published snapshot (horizontal scale). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { childEnv } from '../helpers/cli.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { runDx } from '../helpers/cli.js';
import { client, grant, publishedDataDir } from '../helpers/exchange.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function serve(t: Parameters<typeof publishedDataDir>[0], dataDir: string): Promise<string> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'dx.ts'), 'serve', '--port', String(port), '--data', dataDir], { stdio: 'ignore', env: childEnv() });
  t.teardown(() => { child.kill('SIGTERM'); });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 3000; i++) { // up to 5 min: a loaded machine starts slowly, and this is no timing test
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('dx serve did not start');
}

t.test('two API processes serve one snapshot, each with its own audit chain', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { id_number: 'full', name: 'full', deceased: 'full' });
  const [a, b] = await Promise.all([serve(t, dataDir), serve(t, dataDir)]);
  const healthA = await (await fetch(`${a}/health`)).json();
  const healthB = await (await fetch(`${b}/health`)).json();
  t.same(healthA, healthB);
  t.equal(healthA.period, '2026-11');
  const someone = (await (await fetch(`${a}/v1/extracts/population?purpose=benefit%20review&format=csv`, { headers: clerk.headers })).text()).split('\n')[1]!.split(',')[0]!;
  for (const base of [a, b]) {
    const response = await fetch(`${base}/v1/persons/${someone}?purpose=benefit%20review`, { headers: clerk.headers });
    t.equal(response.status, 200);
    t.equal(response.headers.get('x-content-type-options'), 'nosniff', 'security headers');
    t.equal(response.headers.get('cache-control'), 'no-store', 'personal data is not cached');
    t.equal(response.headers.get('x-frame-options'), 'DENY');
    t.equal(response.headers.get('x-dns-prefetch-control'), null, 'an API response carries no page-only headers');
  }
  const page = await fetch(`${a}/docs`);
  t.equal(page.headers.get('x-dns-prefetch-control'), 'off', 'pages get helmet\'s full set');
  t.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
  const docs = await (await fetch(`${a}/docs/json`)).json();
  t.ok(docs.paths['/v1/persons/{id}'], 'the OpenAPI document lists the routes');
  const metrics = await (await fetch(`${a}/metrics`)).text();
  t.match(metrics, /dx_http_requests_total\{route="\/v1\/persons\/:id",method="GET",status="200"\} 1/);
  const verify = await runDx(['audit', 'verify', '--data', dataDir]);
  t.equal(verify.code, 0, verify.stdout + verify.stderr);
  t.equal((verify.stdout.match(/ok/gi) ?? []).length >= 2, true, 'two chains, both verified');
});
