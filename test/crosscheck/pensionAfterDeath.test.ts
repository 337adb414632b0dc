/**
 * The pension-after-death rule on a hand-built month: a payment for a month after the month of
 * death per any department (the earliest date attested) is found with the amount overpaid; the
 * month of death itself, the living, and an exact duplicate row are not counted.
 */
import t from 'tap';
import { loadConnectorSet, type ConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { HOUSEHOLD_HEADER, householdRow, writeDropFile } from '../helpers/dropFolder.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const id = (first17: string) => first17 + residentIdCheckCharacter(first17);
const deadInSeptember = id('15020319400101001');
const deadThisMonth = id('15020319410101002');
const cremationEarlier = id('15020319420101003');
const alive = id('15020319430101004');
const duplicated = id('15020319440101005');
const policeOnly = id('15020319450101006');

function only(ids: string[]): ConnectorSet {
  const all = loadConnectorSet();
  return { connectors: all.connectors.filter((c) => ids.includes(c.id)), broken: [] };
}

t.test('pension after death on a hand-built month', async (t) => {
  const drop = tempDir(t);
  writeDropFile(drop, 'police/户籍人口_202611.csv', [
    HOUSEHOLD_HEADER,
    householdRow(deadInSeptember, '张一'), householdRow(deadThisMonth, '张二'), householdRow(cremationEarlier, '张三'),
    householdRow(alive, '张四'), householdRow(duplicated, '张五'),
    householdRow(policeOnly, '张六').replace(/正常,$/, '死亡注销,20261005'),
  ], { encoding: 'gb18030' });
  writeDropFile(drop, 'health/死亡医学证明_202611.csv', [
    '证明编号,身份证号,死者姓名,死亡日期,死亡地点',
    `SW1,${deadInSeptember},张一,2026-09-15,医院`,
    `SW2,${deadThisMonth},张二,2026-11-03,医院`,
    `SW3,${cremationEarlier},张三,2026-11-02,家中`,
    `SW5,${duplicated},张五,2026-08-20,医院`,
  ], { bom: true });
  writeDropFile(drop, 'civil-affairs/火化记录_202611.csv', [
    '火化证号,逝者姓名,证件号码,死亡日期,殡仪馆',
    `HH3,张三,${cremationEarlier},2026年10月30日,殡仪馆`,
  ], { encoding: 'gb18030' });
  const payment = (who: string, name: string, amount: string) => `${who},${name},202611,${amount},工商银行`;
  writeDropFile(drop, 'social-security/养老金发放明细_202611.csv', [
    '社会保障号码,姓名,发放年月,发放金额,开户银行',
    payment(deadInSeptember, '张一', '3120.50'), payment(deadThisMonth, '张二', '2800'), payment(cremationEarlier, '张三', '450.25'),
    payment(alive, '张四', '3000'), payment(duplicated, '张五', '2999.99'), payment(duplicated, '张五', '2999.99'), payment(policeOnly, '张六', '610'),
  ]);
  const warehouse = await tempWarehouse(t);
  const set = only(['police/household-register', 'health/death-certificate', 'civil-affairs/cremation-record', 'social-security/pension-payment']);
  await runCycle(warehouse, set, { period: '2026-11', source: drop, until: 'govern' });
  const progress: string[] = [];
  await crossCheckPeriod(warehouse, '2026-11', { onProgress: (p) => progress.push(p.rule) });
  t.ok(progress.includes('pension_after_death'), 'progress is reported per rule');
  const found = readPeriodFindings(warehouse.dataDir, '2026-11')!.findings.filter((f) => f.rule === 'pension_after_death');
  const byId = new Map(found.map((f) => [f.subjectId, f]));
  t.same([...byId.keys()].sort(), [deadInSeptember, cremationEarlier, duplicated, policeOnly].sort(), 'paid after the month of death, per any department');
  t.equal(byId.get(deadInSeptember)!.amount, 3120.5);
  t.same(byId.get(deadInSeptember)!.months, ['2026-11']);
  t.equal(byId.get(cremationEarlier)!.amount, 450.25, 'civil affairs\' earlier date counts');
  t.match(byId.get(cremationEarlier)!.evidence, { death_date: '2026-10-30' });
  t.equal(byId.get(duplicated)!.amount, 2999.99, 'an exact duplicate row is one payment');
  t.equal(byId.get(policeOnly)!.amount, 610, 'a police cancellation alone is evidence');
  t.match(byId.get(deadInSeptember)!.evidence, {
    death_evidence: [{ department: 'health', record: 'SW1', death_date: '2026-09-15' }],
    payments: [{ month: '2026-11', amount: 3120.5, line: 2 }],
  });
  t.match(byId.get(deadInSeptember)!.summary, /3120\.50 yuan paid for 2026-11 after death on 2026-09-15 \(attested by health\)/);
});
