import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../../src/paths.js';
import { exchangeId } from '../../src/schedule/queueConnection.js';
import { childEnv, runDx } from '../helpers/cli.js';
import { RedisServer } from '../helpers/redisServer.js';
import { tempDir } from '../helpers/warehouse.js';

/** exchangeId(dir) in a process of its own: its id, or its error. */
function idFromAnotherProcess(dir: string): Promise<{ code: number | null; out: string }> {
  const module = join(PROJECT_ROOT, 'src', 'schedule', 'queueConnection.ts');
  const code = `import(${JSON.stringify(module)}).then((m) => process.stdout.write(m.exchangeId(${JSON.stringify(dir)})))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (exit) => resolve({ code: exit, out }));
  });
}

t.test('processes asking for a fresh folder\'s id at once all get the same one', async (t) => {
  for (let round = 0; round < 3; round++) {
    const dir = join(tempDir(t, 'dx-exchange-id-'), 'data');
    const answers = await Promise.all(Array.from({ length: 6 }, () => idFromAnotherProcess(dir)));
    t.same(answers.map((a) => a.code), answers.map(() => 0), `round ${round}: every process ends well: ${answers.map((a) => a.out).join(' | ')}`);
    t.equal(new Set(answers.map((a) => a.out)).size, 1, 'one id');
    t.equal(exchangeId(dir), answers[0]!.out, 'and it stays');
    t.same(readdirSync(dir), ['exchange.json'], 'no draft left behind');
  }
});

t.test('a worker that cannot start ends with the error, naming the file, rather than lingering on its Redis connection', { timeout: 120_000 }, async (t) => {
  const redis = await RedisServer.start();
  t.teardown(() => redis.stop());
  const data = join(tempDir(t, 'dx-worker-'), 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'exchange.json'), '{"id":');
  const result = await runDx(['worker', '--data', data], { REDIS_URL: redis.url });
  t.equal(result.code, 1);
  t.match(result.stderr, /exchange\.json/);
});
