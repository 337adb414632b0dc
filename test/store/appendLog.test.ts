/** The append-only store: concurrent writers lose nothing, readers see only whole records, a dead holder's lock is taken over, a rewritten file is refused. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AppendLog } from '../../src/store/appendLog.js';
import { withLock } from '../../src/store/fileLock.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('append-only store', async (t) => {
  const file = join(tempDir(t), 'log', 'events.jsonl');
  const writers = [new AppendLog<{ n: number; seq: number }>(file), new AppendLog<{ n: number; seq: number }>(file)];
  await Promise.all(Array.from({ length: 40 }, (_, n) => writers[n % 2]!.append((records) => [{ n, seq: records.length + 1 }])));
  const reader = new AppendLog<{ n: number; seq: number }>(file);
  const records = reader.read();
  t.equal(records.length, 40, 'nothing lost');
  t.same(records.map((r) => r.seq), Array.from({ length: 40 }, (_, i) => i + 1), 'each writer saw every record before its own');
  appendFileSync(file, '{"n": 99, "se');
  t.equal(reader.read().length, 40, 'a record being written is not read half');
  appendFileSync(file, 'q": 41}\n');
  t.equal(reader.read().length, 41, 'and is read once whole');
  writeFileSync(file, '');
  t.throws(() => reader.read(), /shrank: an append-only store was rewritten/);
});

t.test('a lock held by a process that is gone is taken over', async (t) => {
  const lock = join(tempDir(t), 'x.lock');
  writeFileSync(lock, '999999999');
  t.equal(await withLock(lock, () => 'done'), 'done');
  await t.rejects(withLock(lock, () => { throw new Error('inside'); }), /inside/, 'an error inside is the caller\'s, and releases the lock');
  t.equal(await withLock(lock, async () => 'again'), 'again');
});
