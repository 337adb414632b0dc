import t from 'tap';
import { describeConfig, loadConfig, maskSecret, VARIABLES } from '../../src/config.js';

t.test('the tests run with load shedding off (test/test.env through .taprc)', async (t) => {
  t.equal(process.env.DX_MAX_EVENT_LOOP_DELAY_MS, '0');
  t.equal(loadConfig().DX_MAX_EVENT_LOOP_DELAY_MS, 0);
});

t.test('defaults, and values coerced to their types', async (t) => {
  const config = loadConfig({});
  t.equal(config.DX_THREADS, 2);
  t.equal(config.DX_MEMORY_LIMIT, '3GB');
  t.equal(config.DX_TRACE, false);
  t.equal(config.REDIS_URL, undefined);
  const given = loadConfig({ DX_THREADS: '4', DX_TRACE: 'yes', REDIS_URL: 'redis://localhost:6379', DX_STEP_ATTEMPTS: ' 5 ' });
  t.equal(given.DX_THREADS, 4);
  t.equal(given.DX_TRACE, true);
  t.equal(given.DX_STEP_ATTEMPTS, 5);
  t.equal(loadConfig({ REDIS_URL: '' }).REDIS_URL, undefined, 'an empty value is unset');
});

t.test('a bad value is one error naming every bad variable and what it must be', async (t) => {
  const error = (() => { try { loadConfig({ DX_THREADS: 'two', PORT: '70000', REDIS_URL: 'localhost:6379' }); } catch (e) { return e as Error; } })();
  t.match(error?.message, /DX_THREADS="two" must be integer/);
  t.match(error?.message, /PORT="70000" must be <= 65535/);
  t.match(error?.message, /REDIS_URL="localhost:6379" must match pattern/);
  t.throws(() => loadConfig({ DX_TRACE: 'maybe' }), /DX_TRACE="maybe" must be boolean/);
  t.throws(() => loadConfig({ DX_MEMORY_LIMIT: 'lots' }), /DX_MEMORY_LIMIT/);
});

t.test('the effective configuration masks secrets and says where each value came from', async (t) => {
  const rows = describeConfig({ REDIS_URL: 'redis://:s3cret@redis.internal:6379/0', DX_THREADS: '3' });
  t.equal(rows.length, VARIABLES.length);
  const redis = rows.find((r) => r.name === 'REDIS_URL')!;
  t.notMatch(String(redis.value), /s3cret/);
  t.match(String(redis.value), /redis\.internal:6379/);
  t.equal(redis.source, 'environment');
  t.same(rows.find((r) => r.name === 'DX_THREADS'), { name: 'DX_THREADS', value: 3, source: 'environment', description: rows.find((r) => r.name === 'DX_THREADS')!.description });
  t.equal(rows.find((r) => r.name === 'DX_MEMORY_LIMIT')!.source, 'default');
  t.equal(rows.find((r) => r.name === 'DX_RUSAGE_FILE')!.source, 'unset');
  t.equal(maskSecret('redis://user:pw@h:1'), 'redis://user:****@h:1');
  t.equal(maskSecret('not a url'), '****');
});

t.test('every variable the product reads is declared here', async (t) => {
  const { execFileSync } = await import('node:child_process');
  // grep exits 1 when nothing matches: that is the answer wanted.
  const grep = (pattern: string) => { try { return execFileSync('grep', ['-rnE', pattern, 'src'], { encoding: 'utf8' }); } catch { return ''; } };
  t.equal(grep('process\\.env(\\.[A-Z_]+|\\[)'), '', 'src/ reads the environment only through src/config.ts');
});

t.test('dx config prints the effective configuration, secrets masked; a bad environment exits 78 naming the variable', async (t) => {
  const { runDx } = await import('../helpers/cli.js');
  const shown = await runDx(['config', '--format', 'json'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1/0', DX_THREADS: '3' });
  t.equal(shown.code, 0, shown.stderr);
  t.notMatch(shown.stdout, /hunter2/);
  const rows = JSON.parse(shown.stdout) as Array<{ name: string; value: unknown; source: string }>;
  t.same(rows.find((r) => r.name === 'DX_THREADS'), { name: 'DX_THREADS', value: 3, source: 'environment', description: 'DuckDB threads of a warehouse' });
  const csv = await runDx(['config', '--format', 'csv']);
  t.match(csv.stdout.split('\n')[0], /^name,value,source,description$/);
  const bad = await runDx(['status', '--data', '/nonexistent'], { DX_THREADS: 'many' });
  t.equal(bad.code, 78);
  t.match(bad.stderr, /DX_THREADS="many" must be integer/);
  t.equal(bad.stdout, '');
});
