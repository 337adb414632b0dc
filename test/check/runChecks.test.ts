import t from 'tap';
import { collectPeriod } from '../../src/collect/collectPeriod.js';
import { checkPeriod, periodEnd, previousPeriod } from '../../src/check/runChecks.js';
import { loadConnectorSet, type ConnectorSet } from '../../src/connectors/manifest.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { writeDropFile } from '../helpers/dropFolder.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const id = (n: number) => { const first17 = `15020319500101${String(n).padStart(3, '0')}`; return first17 + residentIdCheckCharacter(first17); };

function only(ids: string[]): ConnectorSet {
  const all = loadConnectorSet();
  return { connectors: all.connectors.filter((c) => ids.includes(c.id)), broken: [] };
}

function writePensions(drop: string, period: string, recipients: number, payments: Array<[string, string]>): void {
  const yyyymm = period.replace('-', '');
  writeDropFile(drop, `social-security/养老金领取人员_${yyyymm}.csv`, [
    '社会保障号码,姓名,养老保险类型,领取起始年月,月养老金,发放状态',
    ...Array.from({ length: recipients }, (_, i) => `${id(i + 1)},张${i},企业职工,2010-01,3200.50,正常发放`),
  ]);
  writeDropFile(drop, `social-security/养老金发放明细_${yyyymm}.csv`, [
    '社会保障号码,姓名,发放年月,发放金额,开户银行',
    ...payments.map(([who, month]) => `${who},某,${month},3200.50,工商银行`),
  ]);
}

t.test('period arithmetic', async (t) => {
  t.equal(periodEnd('2024-02'), '2024-02-29');
  t.equal(periodEnd('2026-12'), '2026-12-31');
  t.equal(previousPeriod('2026-01'), '2025-12');
  t.equal(previousPeriod('2026-11', 0), '2026-11');
});

t.test('references, freshness and drift are measured per batch', async (t) => {
  const warehouse = await tempWarehouse(t);
  const set = only(['social-security/pension-recipient', 'social-security/pension-payment']);
  const october = tempDir(t);
  writePensions(october, '2026-10', 10, [[id(1), '202610'], [id(2), '202610']]);
  await collectPeriod(warehouse, set, '2026-10', october);
  await checkPeriod(warehouse, set.connectors, '2026-10');
  const november = tempDir(t);
  // Recipients grow by 30%; one payment is for a stranger; the ledger is a month late.
  writePensions(november, '2026-11', 13, [[id(1), '202610'], [id(99), '202610']]);
  await collectPeriod(warehouse, set, '2026-11', november);
  await checkPeriod(warehouse, set.connectors, '2026-11');
  const results = await warehouse.all<{ connector: string; rule_id: string; status: string; failed_rows: number; message: string | null }>(
    `SELECT connector, rule_id, status, failed_rows, message FROM check_results WHERE period = '2026-11' ORDER BY connector, rule_id`);
  const result = (connector: string, rule: string) => results.find((r) => r.connector === `social-security/${connector}` && r.rule_id === rule)!;
  t.match(result('pension-payment', 'reference:id_number'), { status: 'error', failed_rows: 1 });
  t.match(result('pension-payment', 'freshness'), { status: 'error', message: 'latest pay_month is 2026-10; 2026-11 or later expected' });
  t.match(result('pension-recipient', 'row_count_drift'), { status: 'warn', failed_rows: 3, message: '10 rows for 2026-10, 13 for 2026-11 (+3)' });
  const failure = await warehouse.one<{ file: string; line: number; value: string; detail: string }>(
    `SELECT file, line, value, detail FROM check_failures WHERE period = '2026-11' AND rule_id = 'reference:id_number'`);
  t.same(failure, { file: 'social-security/养老金发放明细_202611.csv', line: 3, value: id(99), detail: 'not in pension_recipient' });
  const october_ = await warehouse.all<{ rule_id: string; status: string }>(`SELECT rule_id, status FROM check_results WHERE period = '2026-10' AND status <> 'pass'`);
  t.same(october_, [], 'October itself was clean');
});
