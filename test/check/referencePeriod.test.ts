/** Freshness and drift honour the month a file describes, not only the drop it came in. */
import t from 'tap';
import { collectPeriod } from '../../src/collect/collectPeriod.js';
import { checkPeriod } from '../../src/check/runChecks.js';
import { collectManifestCity, validId } from '../helpers/manifestCity.js';
import { writeDropFile } from '../helpers/dropFolder.js';

const ledger = (referencePeriod: string) => ({
  'ss/ledger.json': {
    department: 'ss', dataset: 'ledger', schema: 'pension-payment', referencePeriod,
    source: { glob: 'ss/发放_{YYYYMM}.csv', format: 'csv' },
    fields: { id_number: { column: '证件号码' }, pay_month: { column: '所属期', formats: ['YYYYMM'] }, amount: { column: '金额' } },
    freshness: { field: 'pay_month' },
  },
});
const rows = (month: string, n: number) => ['证件号码,所属期,金额', ...Array.from({ length: n }, (_, i) => `${validId(i + 1)},${month},100`)];

t.test('a file collected at the start of the month that describes the month before is fresh', async (t) => {
  const previous = await collectManifestCity(t, ledger('previous'), { 'ss/发放_202611.csv': rows('202610', 3) });
  t.match(await previous.warehouse.one(`SELECT status, message FROM check_results WHERE rule_id = 'freshness'`), { status: 'pass', message: 'latest pay_month is 2026-10; 2026-10 or later expected' });
  t.same(await previous.warehouse.all(`SELECT DISTINCT _reference_period FROM pension_payment`), [{ _reference_period: '2026-10' }]);
  const same = await collectManifestCity(t, ledger('same'), { 'ss/发放_202611.csv': rows('202610', 3) });
  t.match(await same.warehouse.one(`SELECT status FROM check_results WHERE rule_id = 'freshness'`), { status: 'error' });
});

t.test('drift names the months the batches describe', async (t) => {
  const city = await collectManifestCity(t, ledger('previous'), { 'ss/发放_202610.csv': rows('202609', 10) }, '2026-10');
  writeDropFile(city.drop, 'ss/发放_202611.csv', rows('202610', 13));
  await collectPeriod(city.warehouse, city.set, '2026-11', city.drop);
  await checkPeriod(city.warehouse, city.set.connectors, '2026-11');
  t.match(await city.warehouse.one(`SELECT status, message FROM check_results WHERE rule_id = 'row_count_drift' AND period = '2026-11'`), {
    status: 'warn', message: '10 rows for 2026-09 (drop 2026-10), 13 for 2026-10 (drop 2026-11) (+3)',
  });
});

t.test('a per-row reference month comes from the field', async (t) => {
  const city = await collectManifestCity(t, { 'ss/ledger.json': { ...ledger('same')['ss/ledger.json'], referencePeriod: { field: 'pay_month' } } }, {
    'ss/发放_202611.csv': ['证件号码,所属期,金额', `${validId(1)},202609,100`, `${validId(2)},202611,100`],
  });
  t.same(await city.warehouse.all(`SELECT _reference_period FROM pension_payment ORDER BY _line`), [{ _reference_period: '2026-09' }, { _reference_period: '2026-11' }]);
});
