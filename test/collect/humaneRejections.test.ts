/**
 * What a steward reads when a department's file is broken: one reason per row in their words,
 * over-long lines set aside with their length, every error naming the file (with a hint where
 * one helps), and no staged copy left behind.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stageTextFile } from '../../src/collect/stageTextFile.js';
import { collectManifestCity, validId } from '../helpers/manifestCity.js';
import { tempDir } from '../helpers/warehouse.js';

const A = validId(1);
const B = validId(2);

const roll = (source: Record<string, unknown> = {}) => ({
  'p/roll.json': {
    department: 'p', dataset: 'roll', schema: 'household-register-person',
    source: { glob: 'p/roll_{YYYYMM}.*', format: 'csv', ...source },
    fields: {
      id_number: { column: '身份证号' }, name: { column: '姓名' }, sex: { column: '性别', codes: { 男: 'M', 女: 'F' } },
      birth_date: { column: '出生日期', formats: ['YYYYMMDD'] }, status: { value: 'normal' },
    },
  },
});

const stagedLeft = (warehouseTemp: string): string[] => readdirSync(warehouseTemp).filter((f) => f.startsWith('staged-'));

t.test('a row with the wrong cell count gets one reason; a name split by a stray comma gets one reason, not a cascade', async (t) => {
  const { warehouse, outcome } = await collectManifestCity(t, roll(), {
    'p/roll_202611.csv': ['身份证号,姓名,性别,出生日期', `${A},王芳,女,19500101`, `${A},宜,咏,男`, `${B},李,强,男,19500101`, `${B},李强`],
  }, '2026-11', false);
  t.same(outcome.attempts[0]!.batch!.rowsLoaded, 1);
  const reasons = await warehouse.all<{ line: number; field: string | null; reason: string }>(`SELECT line, field, reason FROM quarantine ORDER BY line`);
  t.same(reasons, [
    { line: 3, field: 'sex', reason: 'sex: "咏" (性别) is not one of the labels 男, 女 (and 1 more: birth_date; are the cells shifted?)' },
    { line: 4, field: null, reason: '5 cells where the header has 4 (a delimiter inside a value that is not quoted?)' },
    { line: 5, field: null, reason: '2 cells where the header has 4' },
  ]);
  t.same(stagedLeft(warehouse.tempDir), [], 'the staged copy is removed after success');
});

t.test('a line longer than the limit is quarantined with its length and the rows after it load', async (t) => {
  const long = `${A},${'张'.repeat(3000)},女,19500101`;
  const { warehouse, outcome } = await collectManifestCity(t, roll({ maxLineBytes: 4096 }), {
    'p/roll_202611.csv': ['身份证号,姓名,性别,出生日期', long, `${B},李强,男,19500101`],
  }, '2026-11', false);
  const batch = outcome.attempts[0]!.batch!;
  t.same([batch.rowsRead, batch.rowsLoaded, batch.rowsQuarantined], [2, 1, 1]);
  const q = await warehouse.one<{ line: number; reason: string; raw_line: string }>(`SELECT line, reason, raw_line FROM quarantine`);
  t.equal(q!.line, 2);
  t.equal(q!.reason, `the line is ${Buffer.byteLength(long).toLocaleString('en-US')} bytes long, over the 4,096 a line may hold (source.maxLineBytes); it was not read`);
  t.ok(q!.raw_line.startsWith(A) && q!.raw_line.endsWith('…') && q!.raw_line.length < 250, 'the start of the line is kept, not the line');
});

t.test('an over-long line spread over many reads is skipped without being held', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'in.csv');
  const long = 'x'.repeat(50_000);
  writeFileSync(path, `a,b\n1,2\n${long}\r\n3,4\n${long}`);
  const staged = await stageTextFile({ path, displayName: 'in.csv', stagedPath: join(dir, 'staged.csv'), format: 'csv', encoding: 'utf-8', delimiter: ',', quote: '"', chunkSize: 97, maxLineBytes: 2048 });
  t.equal(staged.rowsRead, 4);
  t.same(staged.early.map((e) => [e.line, e.reason]), [
    [3, 'the line is 50,000 bytes long, over the 2,048 a line may hold (source.maxLineBytes); it was not read'],
    [5, 'the line is 50,000 bytes long, over the 2,048 a line may hold (source.maxLineBytes); it was not read'],
  ]);
});

t.test('a file read with the wrong delimiter says which one fits', async (t) => {
  const { outcome, warehouse } = await collectManifestCity(t, roll(), {
    'p/roll_202611.csv': ['身份证号;姓名;性别;出生日期', `${A};王芳;女;19500101`],
  }, '2026-11', false);
  t.equal(outcome.attempts[0]!.status, 'failed');
  t.match(outcome.attempts[0]!.error, /^p\/roll_202611\.csv line 1: mapped columns .* not in the header/);
  t.match(outcome.attempts[0]!.error, 'the header splits into 4 cells at ";", 1 at ",": is source.delimiter wrong?');
  t.same(stagedLeft(warehouse.tempDir), [], 'the staged copy is removed after failure');
});

t.test('a JSON Lines file of garbage names the file; garbage lines among good ones are quarantined', async (t) => {
  const manifest = {
    'p/roll.json': { ...roll()['p/roll.json'], source: { glob: 'p/roll_{YYYYMM}.jsonl', format: 'jsonl' } },
  };
  const garbage = randomBytes(5000).toString('latin1');
  const junk = await collectManifestCity(t, manifest, { 'p/roll_202611.jsonl': [garbage, '{"x"'] }, '2026-11', false);
  t.equal(junk.outcome.attempts[0]!.status, 'failed');
  t.match(junk.outcome.attempts[0]!.error, /^p\/roll_202611\.jsonl: /);
  t.notMatch(junk.outcome.attempts[0]!.error, 'state machine');
  const good = JSON.stringify({ 身份证号: A, 姓名: '王芳', 性别: '女', 出生日期: '19500101' });
  const mixed = await collectManifestCity(t, manifest, { 'p/roll_202611.jsonl': [good, garbage, 'a\rb', good.replace(A, B)] }, '2026-11', false);
  const attempt = mixed.outcome.attempts[0]!;
  t.equal(attempt.status, 'loaded', attempt.error ?? '');
  t.equal(attempt.batch!.rowsLoaded, 2);
  t.equal(attempt.batch!.rowsRead, attempt.batch!.rowsQuarantined + attempt.batch!.rowsLoaded);
  t.ok(attempt.batch!.rowsQuarantined >= 2);
});

t.test('a staged copy left by a process that died is removed by the next collect', async (t) => {
  const first = await collectManifestCity(t, roll(), { 'p/roll_202611.csv': ['身份证号,姓名,性别,出生日期', `${A},王芳,女,19500101`] }, '2026-11', false);
  const orphan = join(first.warehouse.tempDir, 'staged-999999-0123456789ab.csv');
  writeFileSync(orphan, 'left behind');
  const { collectPeriod } = await import('../../src/collect/collectPeriod.js');
  await collectPeriod(first.warehouse, first.set, '2026-11', first.drop);
  t.same(stagedLeft(first.warehouse.tempDir), []);
});
