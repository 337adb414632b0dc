/**
 * The pre-payment check: the planned-payments parser (property-tested), then the check on the
 * sample city's real payment file through `dx check payments` and the pension department's API
 * endpoint, both against the published snapshot.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { parsePlannedPayments } from '../../src/payments/plannedPayments.js';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { auditDirOf } from '../../src/routes/audit.js';
import type { CityTruth } from '../../src/fixtures/truth.js';
import { client, exchange, grant, publishedDataDir, SAMPLE } from '../helpers/exchange.js';
import { runDx } from '../helpers/cli.js';
import { readTruth } from '../helpers/truth.js';
import { tempDir } from '../helpers/warehouse.js';

const HEADER = '社会保障号码,姓名,发放年月,发放金额,开户银行';

t.test('the planned-payments parser', async (t) => {
  const text = fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
  const payment = fc.record({
    id: fc.stringMatching(/^[0-9]{17}[0-9X]$/), name: text, month: fc.integer({ min: 2000 * 12, max: 2040 * 12 + 11 }),
    cents: fc.integer({ min: 0, max: 99_999_999 }), bank: text, dashed: fc.boolean(),
  });
  const quote = (s: string) => (/[",]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);
  fc.assert(fc.property(fc.array(payment, { maxLength: 20 }), fc.boolean(), fc.boolean(), (payments, crlf, bom) => {
    const lines = payments.map((p) => {
      const month = `${Math.floor(p.month / 12)}${p.dashed ? '-' : ''}${String((p.month % 12) + 1).padStart(2, '0')}`;
      return [p.id, quote(p.name), month, (p.cents / 100).toFixed(2), quote(p.bank)].join(',');
    });
    const parsed = parsePlannedPayments(`${bom ? '\uFEFF' : ''}${[HEADER, ...lines].join(crlf ? '\r\n' : '\n')}\n`);
    if (parsed.problems.length > 0) return false;
    return parsed.payments.length === payments.length && parsed.payments.every((p, i) => {
      const want = payments[i]!;
      return p.idNumber === want.id && p.name === want.name.trim() && p.bank === want.bank.trim() && p.amount === want.cents / 100
        && p.payMonth === `${Math.floor(want.month / 12)}-${String((want.month % 12) + 1).padStart(2, '0')}` && p.line === i + 2;
    });
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s)), { maxLength: 30 }), (lines) => {
    const parsed = parsePlannedPayments([HEADER, ...lines].join('\n'));
    return parsed.payments.length + parsed.problems.length === lines.filter((l) => l.trim()).length;
  }), { numRuns: 300 });
  t.pass('every data line is a payment or a problem, and well-formed payments read back exactly');
  const bad = parsePlannedPayments([HEADER, '150203194001010011,张,2026/11,100,工行', '150203194001010011,张,202611,12O.5,工行', '150203194001010011,张,202611'].join('\n'), 'p.csv');
  t.same(bad.problems.map((p) => [p.line, p.field]), [[2, 'pay_month'], [3, 'amount'], [4, '(row)']], 'each problem names its line and field');
  t.throws(() => parsePlannedPayments('身份证号,金额\n1,2', 'p.csv'), /p\.csv, line 1: no column "社会保障号码"/);
});

t.test('dx check payments and POST /v1/payments/check hold what must not be paid', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const truth = readTruth(join(SAMPLE, '2026-11')) as unknown as CityTruth;
  const original = readFileSync(join(SAMPLE, '2026-11', 'social-security', '养老金发放明细_202611.csv'), 'utf8').trimEnd().split('\n');
  const planned = [...original, '110102199101010079,错号,202611,100.00,工行', '110102199101010078,无此人,202611,100.00,工行', original[1]!, '坏行'].join('\n');
  const file = join(tempDir(t), '养老金发放计划_202611.csv');
  writeFileSync(file, planned);
  const deceased = truth.pensionsAfterDeath.map((p) => p.idNumber).sort();

  const cli = await runDx(['check', 'payments', file, '--data', dataDir, '--format', 'json']);
  t.equal(cli.code, 0, cli.stderr);
  const result = JSON.parse(cli.stdout) as { period: string; held: Array<{ idNumber: string; reason: string; line: number; deathEvidence?: unknown[] }>; toPay: number; rows: number };
  t.equal(result.period, '2026-11');
  t.same(result.held.filter((h) => h.reason === 'deceased').map((h) => h.idNumber).sort(), deceased, 'every pension planted after death is held');
  t.ok(result.held.filter((h) => h.reason === 'deceased').every((h) => (h.deathEvidence?.length ?? 0) > 0), 'with the death evidence');
  const lines = original.length;
  t.match(result.held.find((h) => h.line === lines + 1), { reason: 'invalid_id_number' });
  t.match(result.held.find((h) => h.line === lines + 2), { reason: 'not_on_register' });
  t.match(result.held.find((h) => h.line === lines + 3), { reason: 'paid_twice' });
  t.match(result.held.find((h) => h.line === lines + 4), { reason: 'unreadable_row' });
  t.equal(result.toPay + result.held.length, result.rows, 'every row is paid or held');
  const table = await runDx(['check', 'payments', file, '--data', dataDir]);
  t.match(table.stdout, /Hold [\d,]+ \([\d,]+\.\d\d yuan\): \d+ deceased/);

  const pension = await client(dataDir, 'pension-bureau', 'social-security');
  const other = await client(dataDir, 'other-bureau', 'transport');
  await grant(dataDir, pension.id, 'payment-check', { hold: 'full', death_date: 'full' }, ['pension payment']);
  const app = await exchange(t, dataDir);
  const post = (headers: Record<string, string>, purpose = 'pension%20payment') => app.inject({
    method: 'POST', url: `/v1/payments/check?purpose=${purpose}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: planned,
  });
  const response = await post(pension.headers);
  t.equal(response.statusCode, 200, response.body);
  const body = response.json() as { held: Array<{ line: number; reason: string; deathDate?: string }> };
  t.same(body.held.map((h) => [h.line, h.reason]), result.held.map((h) => [h.line, h.reason]), 'the API and the CLI agree');
  t.ok(body.held.some((h) => h.deathDate), 'the death date, as granted');
  t.ok(body.held.every((h) => !('deathEvidence' in h)), 'no evidence: not granted');
  t.equal((await post(other.headers)).statusCode, 403, 'no grant');
  t.equal((await post(pension.headers, 'curiosity')).statusCode, 403, 'a purpose not granted');
  const badHeader = await app.inject({ method: 'POST', url: '/v1/payments/check?purpose=pension%20payment', headers: { ...pension.headers, 'content-type': 'text/csv' }, payload: 'a,b\n1,2' });
  t.equal(badHeader.statusCode, 400);
  t.match(badHeader.json().message, /no column "社会保障号码"/);
  const audited = await queryAudit(auditDirOf(dataDir), { resource: 'payment-check' });
  t.ok(audited.some((r) => r.outcome === 'allowed' && r.subjects.includes(deceased[0]!)), 'the check is audited with the payments held');
  t.ok(audited.some((r) => r.outcome === 'denied' && r.client === other.id));
});
