import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AuditLockedError } from '../../src/audit/auditLock.js';
import { AuditCorruptError, AuditLog, AuditUnavailableError } from '../../src/audit/auditLog.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';
import { verifyAuditDir } from '../../src/audit/verifyAudit.js';
import { auditTempDir, entry } from './helpers.js';

function fileRecords(file: string): AuditRecord[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as AuditRecord);
}

t.test('the chain continues across close and reopen', async (t) => {
  const dir = auditTempDir(t);
  const first = await AuditLog.open(dir, 'api-1');
  for (let i = 0; i < 3; i++) await first.append(entry(i));
  const head = first.head;
  await first.close();
  t.notOk(existsSync(join(dir, 'api-1.lock')), 'close releases the lock');
  const again = await AuditLog.open(dir, 'api-1');
  t.same(again.head, head);
  const fourth = await again.append(entry(3));
  t.equal(fourth.seq, 4);
  t.equal(fourth.prevHash, head.hash);
  await again.close();
  const result = await verifyAuditDir(dir);
  t.ok(result.ok);
  t.same(result.chains.map((c) => [c.chain, c.records]), [['api-1', 4]]);
});

t.test('concurrent appends: seq 1..N in call order and file order, few writes, all verifying', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1');
  const n = 5000;
  const records = await Promise.all(Array.from({ length: n }, (_, i) => log.append(entry(i))));
  t.same(records.map((r) => r.seq), Array.from({ length: n }, (_, i) => i + 1), 'sealed in call order');
  t.same(records.map((r) => r.requestId), records.map((_, i) => `req-${i}`));
  // Appends arriving in waves while writes are in flight still share writes.
  const waves = await Promise.all(Array.from({ length: 20 }, async (_, w) => {
    await new Promise((resolve) => setImmediate(resolve));
    return Promise.all(Array.from({ length: 50 }, (_, i) => log.append(entry(n + w * 50 + i))));
  }));
  t.equal(waves.flat().length, 1000);
  const stats = log.stats;
  t.equal(stats.appended, n + 1000);
  t.ok(stats.writes < stats.appended / 10, `group commit: ${stats.appended} records in ${stats.writes} writes`);
  await log.close();
  const inFile = fileRecords(join(dir, 'api-1.log'));
  t.same(inFile.map((r) => r.seq), Array.from({ length: n + 1000 }, (_, i) => i + 1), 'file order = seq order');
  t.ok((await verifyAuditDir(dir)).ok);
});

t.test('close writes what was still queued', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1');
  const pending = [log.append(entry(0)), log.append(entry(1))];
  await log.close();
  t.same((await Promise.all(pending)).map((r) => r.seq), [1, 2]);
  t.equal(fileRecords(join(dir, 'api-1.log')).length, 2);
  await t.rejects(log.append(entry(2)), AuditUnavailableError, 'a closed log records nothing');
});

t.test('a write failure (disk full) fails every append until the log is reopened', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async (t) => {
  const dir = auditTempDir(t);
  symlinkSync('/dev/full', join(dir, 'api-1.log'));
  const log = await AuditLog.open(dir, 'api-1');
  const together = [log.append(entry(0)), log.append(entry(1))];
  for (const append of together) await t.rejects(append, { name: 'AuditUnavailableError', message: /ENOSPC/ });
  await t.rejects(log.append(entry(2)), AuditUnavailableError, 'later appends are refused at once');
  await log.close();
  const reopened = await AuditLog.open(dir, 'api-1');
  await t.rejects(reopened.append(entry(3)), AuditUnavailableError, 'still full after reopening: still refused');
  await reopened.close();
});

t.test('record (the API path) shares the chain with append: call order, and the callback only once written', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1');
  const order: string[] = [];
  const recorded = (name: string) => new Promise<void>((resolve, reject) => log.record(entry(Number(name)), (error) => {
    if (error) return reject(error);
    order.push(name);
    // Called back only once the line is in the file.
    t.ok(readFileSync(join(dir, 'api-1.log'), 'utf8').includes(`"req-${name}"`), `record ${name} is in the file when its callback runs`);
    resolve();
  }));
  const appended = log.append(entry(1));
  await Promise.all([recorded('0'), appended, recorded('2')]);
  t.same(fileRecords(join(dir, 'api-1.log')).map((r) => [r.seq, r.requestId]), [[1, 'req-1'], [2, 'req-0'], [3, 'req-2']], 'seq follows call order whichever way a record came');
  t.same(order, ['0', '2']);
  const malformed = await new Promise<Error | null>((resolve) => log.record({ ...entry(9), status: 42 }, resolve));
  t.match(malformed, { name: 'TypeError', message: /status/ }, 'a malformed entry is refused, with the field named');
  await log.close();
  const closed = await new Promise<Error | null>((resolve) => log.record(entry(10), resolve));
  t.type(closed, AuditUnavailableError, 'a closed log refuses through the callback too');
  t.ok((await verifyAuditDir(dir)).ok);
});

t.test('one writer per chain', async (t) => {
  const dir = auditTempDir(t);
  const first = await AuditLog.open(dir, 'api-1');
  t.equal(readFileSync(join(dir, 'api-1.lock'), 'utf8').trim(), String(process.pid), 'the lock holds the pid');
  await t.rejects(AuditLog.open(dir, 'api-1'), AuditLockedError);
  const other = await AuditLog.open(dir, 'api-2');
  await other.close();
  await first.close();
  const second = await AuditLog.open(dir, 'api-1');
  await second.close();
});

t.test('a lock held by another running process is respected; one left by a dead process is taken over', async (t) => {
  const dir = auditTempDir(t);
  const lock = join(dir, 'api-1.lock');
  writeFileSync(lock, `${process.ppid}\n`);
  await t.rejects(AuditLog.open(dir, 'api-1'), { name: 'AuditLockedError', message: new RegExp(`running process ${process.ppid}`) });
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lock, `${dead.stdout}\n`);
  const log = await AuditLog.open(dir, 'api-1');
  t.equal(readFileSync(lock, 'utf8').trim(), String(process.pid));
  await log.close();
  writeFileSync(lock, '');
  await t.rejects(AuditLog.open(dir, 'api-1'), { name: 'AuditLockedError', message: /holds no pid/ });
});

t.test('a log whose last line is broken is not opened, and says which line', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1');
  for (let i = 0; i < 3; i++) await log.append(entry(i));
  await log.close();
  const file = join(dir, 'api-1.log');
  const whole = readFileSync(file, 'utf8');
  writeFileSync(file, whole.slice(0, -20));
  await t.rejects(AuditLog.open(dir, 'api-1'), { name: 'AuditCorruptError', message: /api-1\.log, line 3: truncated/ });
  writeFileSync(file, whole.replace('"status":403', '"status":404'));
  await t.rejects(AuditLog.open(dir, 'api-1'), AuditCorruptError);
  await t.rejects(AuditLog.open(dir, 'api-2').then(async (l) => { await l.close(); return AuditLog.open(dir, 'api-1'); }), /line 3: record changed/);
  writeFileSync(file, whole);
  const reopened = await AuditLog.open(dir, 'api-1');
  t.equal(reopened.head.seq, 3, 'the lock was released after the refusal');
  await reopened.close();
});

t.test('a malformed entry is rejected without breaking the chain', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1');
  await t.rejects(log.append({ ...entry(0), status: 42 }), TypeError);
  t.equal((await log.append(entry(1))).seq, 1);
  await log.close();
  await t.rejects(AuditLog.open(dir, '../escape'), /chain name/);
});
