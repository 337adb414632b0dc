import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDx } from '../helpers/cli.js';
import t, { type Test } from 'tap';
import { AuditLog } from '../../src/audit/auditLog.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';
import { auditTempDir, entry } from './helpers.js';

/** Run the real `dx audit ...` in a child process (so its output cannot mix with tap's own on this stdout). */
async function dxAudit(args: string[]): Promise<{ code: number; stdout: string }> {
  const result = await runDx(['audit', ...args]);
  return { code: result.code ?? 1, stdout: result.stdout };
}

async function dataWithLog(t: Test): Promise<string> {
  const data = join(auditTempDir(t), 'data');
  const log = await AuditLog.open(join(data, 'audit'), 'api-1');
  for (let i = 0; i < 5; i++) await log.append(entry(i));
  await log.close();
  return data;
}

t.test('dx audit verify: one line per chain, exit 0 when sound', async (t) => {
  const data = await dataWithLog(t);
  const result = await dxAudit(['verify', '--data', data]);
  t.equal(result.code, 0);
  t.match(result.stdout, /^api-1: ok, 5 records, head seq 5 hash [0-9a-f]{64}, 1 signed checkpoints\n$/);
});

t.test('dx audit verify: exit 1 naming the first bad record', async (t) => {
  const data = await dataWithLog(t);
  const file = join(data, 'audit', 'api-1.log');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"req-3"', '"req-X"'));
  const result = await dxAudit(['verify', '--data', data]);
  t.equal(result.code, 1);
  t.match(result.stdout, /api-1: BROKEN at .*api-1\.log line 4 \(seq 4\): record changed/);
});

t.test('dx audit verify: no logs at all is not a pass', async (t) => {
  const result = await dxAudit(['verify', '--data', join(auditTempDir(t), 'data')]);
  t.equal(result.code, 1);
  t.match(result.stdout, /No audit chains in/);
});

t.test('dx audit query as JSON and as a table', async (t) => {
  const data = await dataWithLog(t);
  const json = await dxAudit(['query', '--data', data, '--client', 'client-1', '--format', 'json']);
  t.equal(json.code, 0);
  t.same((JSON.parse(json.stdout) as AuditRecord[]).map((r) => r.requestId), ['req-1']);
  const table = await dxAudit(['query', '--data', data, '--subject', entry(2).subjects[0]!, '--limit', '5']);
  t.match(table.stdout, /^time\s+chain\s+seq\s+client/);
  t.match(table.stdout, /denied\s+403\s/);
  t.equal(table.stdout.trimEnd().split('\n').length, 3, 'header, rule and one record');
  const invalid = await runDx(['audit', 'query', '--data', data, '--limit', '0']);
  t.equal(invalid.code, 64, 'commander refuses the argument (bad usage)');
  t.match(invalid.stderr, /--limit <n>' argument '0' is invalid/);
});

t.test('dx audit verify --witness --public-key: a deleted chain is named by the witness, checked with the public key alone', async (t) => {
  const root = auditTempDir(t);
  const data = join(root, 'data');
  const keys = join(root, 'keys');
  const witness = join(root, 'witness');
  const log = await AuditLog.open(join(data, 'audit'), 'api-1', { checkpoints: { keyDir: keys, witnesses: [witness], everyRecords: 2, everyMs: 60_000 } });
  for (let i = 0; i < 5; i++) await log.append(entry(i));
  await log.close();
  const ok = await dxAudit(['verify', '--data', data, '--witness', witness, '--public-key', join(keys, 'public')]);
  t.equal(ok.code, 0, ok.stdout);
  rmSync(join(data, 'audit', 'api-1.log'));
  rmSync(join(data, 'audit', 'api-1.checkpoints'));
  const gone = await dxAudit(['verify', '--data', data, '--witness', witness, '--public-key', join(keys, 'public')]);
  t.equal(gone.code, 1);
  t.match(gone.stdout, /api-1: BROKEN\n {2}the chain file is missing/);
});

t.test('dx audit rotate-key: checkpoints before and after the rotation verify, each under its own key id', async (t) => {
  const data = await dataWithLog(t);
  const rotated = await dxAudit(['rotate-key', '--data', data]);
  t.equal(rotated.code, 0);
  const keyId = /key ([0-9a-f]{16})/.exec(rotated.stdout)![1]!;
  const log = await AuditLog.open(join(data, 'audit'), 'api-1');
  await log.append(entry(5));
  await log.close();
  const ids = readFileSync(join(data, 'audit', 'api-1.checkpoints'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { keyId: string }).keyId);
  t.equal(ids.at(-1), keyId);
  t.not(ids[0], keyId);
  const verified = await dxAudit(['verify', '--data', data]);
  t.equal(verified.code, 0, verified.stdout);
});

t.test('dx audit query: a malformed time is refused naming the filter; pages continue with --cursor', async (t) => {
  const data = await dataWithLog(t);
  const bad = await runDx(['audit', 'query', '--data', data, '--from', 'yesterday']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /from "yesterday" is not an ISO 8601 date or time/);
  const first = await runDx(['audit', 'query', '--data', data, '--limit', '3', '--format', 'json']);
  const cursor = /--cursor (\S+)/.exec(first.stderr)![1]!;
  const rest = await runDx(['audit', 'query', '--data', data, '--limit', '3', '--format', 'json', '--cursor', cursor]);
  const ids = [...JSON.parse(first.stdout), ...JSON.parse(rest.stdout)].map((r: AuditRecord) => r.requestId);
  t.same(ids, ['req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
});
