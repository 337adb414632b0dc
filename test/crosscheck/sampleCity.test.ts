/**
 * Every rule against the committed sample city's truth (2,000 persons, two periods), and cases
 * kept across periods: found again next month, a case is not opened again; its lifecycle is
 * checked and recorded with who, when and why; the CLI lists and changes them.
 */
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import { CaseStore } from '../../src/cases/caseStore.js';
import { caseDetail, listCases } from '../../src/cases/caseList.js';
import type { CityTruth } from '../../src/fixtures/truth.js';
import { SAMPLE } from '../helpers/exchange.js';
import { runDx } from '../helpers/cli.js';
import { readTruth } from '../helpers/truth.js';
import { tempWarehouse } from '../helpers/warehouse.js';
import { byRule, subsidyType } from './helpers.js';

t.test('cross-checks of the sample city over two periods', async (t) => {
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet();
  const opened: number[] = [];
  for (const period of ['2026-10', '2026-11']) {
    await runCycle(warehouse, set, { period, source: join(SAMPLE, period), until: 'govern' });
    opened.push((await crossCheckPeriod(warehouse, period)).casesOpened);
  }
  const truth = readTruth(join(SAMPLE, '2026-11')) as unknown as CityTruth;
  const october = readTruth(join(SAMPLE, '2026-10')) as unknown as CityTruth;
  const findings = readPeriodFindings(warehouse.dataDir, '2026-11')!.findings;
  const sorted = (keys: Array<string | null>) => [...keys].sort();

  t.test('each rule finds exactly what was planted', async (t) => {
    t.same(sorted(byRule(findings, 'pension_after_death').map((f) => `${f.subjectId}|${f.amount}`)), sorted(truth.pensionsAfterDeath.map((p) => `${p.idNumber}|${p.amount}`)), 'pension after death, with the amount');
    for (const reason of ['deceased', 'moved_out', 'certificate_expired', 'grade_too_low', 'not_in_minimum_living_allowance']) {
      t.same(sorted(byRule(findings, `subsidy_${reason}`).map((f) => `${f.subjectId}|${subsidyType(f)}`)),
        sorted(truth.ineligibleSubsidies.filter((s) => s.reason === reason).map((s) => `${s.idNumber}|${s.subsidyType}`)), `subsidy paid though ${reason}`);
    }
    t.same(byRule(findings, 'subsidy_no_certificate', 'subsidy_unknown_person'), [], 'no payment without a certificate or to an unknown person');
    t.same(sorted(byRule(findings, 'subsidy_unpaid_eligible').map((f) => `${f.subjectId}|${subsidyType(f)}`)), sorted(truth.unpaidEligible.map((u) => `${u.idNumber}|${u.subsidyType}`)), 'eligible but unpaid');
    t.same(sorted(byRule(findings, 'company_deregistered_tax_active').map((f) => `${f.subjectId}|${f.reason}`)), sorted(truth.deregisteredTaxActive.map((d) => `${d.uscc}|${d.status}`)), 'deregistered but tax-active');
    t.same(sorted(byRule(findings, 'company_legal_representative_deceased').map((f) => f.subjectId)), sorted(truth.legalRepresentativesDeceased.map((d) => d.uscc)), 'legal representative deceased');
    t.same(sorted(byRule(findings, 'penalty_unknown_party').map((f) => f.subjectId)), sorted(truth.penaltiesUnknownParty.map((p) => p.decisionNumber)), 'penalty against an unknown code');
  });

  const store = new CaseStore(warehouse.dataDir);

  t.test('a case found again next month is the same case', async (t) => {
    const recurring = truth.pensionsAfterDeath.find((p) => october.pensionsAfterDeath.some((o) => o.idNumber === p.idNumber))!;
    t.ok(recurring, 'a pension paid after death in both months');
    const [pension] = listCases(store, { rule: 'pension_after_death', subject: recurring.idNumber });
    t.same(pension!.periods, ['2026-10', '2026-11']);
    t.equal(pension!.firstPeriod, '2026-10');
    t.equal(pension!.totalAmount, Math.round(recurring.amount * 200) / 100, 'two months overpaid');
    const events = store.cases().size;
    t.equal(opened[0]! + opened[1]!, events, 'each case opened once');
    t.ok(opened[1]! < listCases(store, { period: '2026-11' }).length, 'November opened only the cases October did not have');
  });

  t.test('lifecycle: confirmed or dismissed with a reason, resolved, reopened; every change recorded', async (t) => {
    const [first, second] = listCases(store, { period: '2026-11', rule: 'pension_after_death' });
    await t.rejects(store.change(first!.caseId, 'confirm', 'analyst', '  '), /needs a reason/);
    await t.rejects(store.change(first!.caseId, 'resolve', 'analyst', 'recovered'), /is open: it cannot be resolved/);
    await t.rejects(store.change('Cnope', 'confirm', 'analyst', 'x'), /no case Cnope/);
    await store.change(first!.caseId, 'confirm', 'analyst-li', 'the bank confirms the account is still drawn');
    const resolved = await store.change(first!.caseId, 'resolve', 'analyst-li', 'overpayment recovered from the account');
    t.equal(resolved.status, 'resolved');
    await store.change(second!.caseId, 'dismiss', 'analyst-wang', 'death record belongs to a namesake');
    const detail = caseDetail(store, first!.caseId)!;
    t.same(detail.history!.map((h) => [h.event, h.status, h.by]), [['opened', 'open', 'crosscheck'], ['confirm', 'confirmed', 'analyst-li'], ['resolve', 'resolved', 'analyst-li']]);
    t.ok(detail.history!.every((h) => h.at && h.reason), 'when and why, every time');
    await crossCheckPeriod(warehouse, '2026-11');
    t.equal(store.get(first!.caseId)!.status, 'resolved', 'running the period again does not reopen a resolved case');
    t.equal(new CaseStore(warehouse.dataDir).get(second!.caseId)!.status, 'dismissed', 'another process sees the change');
  });

  t.test('dx cases lists, filters and exports; dx cases reopen changes one', async (t) => {
    warehouse.close();
    const [dismissed] = listCases(store, { status: 'dismissed' });
    const csv = await runDx(['cases', '--period', '2026-11', '--rule', 'pension_after_death', '--format', 'csv', '--data', warehouse.dataDir]);
    t.equal(csv.code, 0, csv.stderr);
    t.match(csv.stdout, /^\ufeffcase,rule,status,subject,name,reason,periods,amount,total,summary\r\n/);
    t.equal(csv.stdout.trim().split('\n').length, 1 + truth.pensionsAfterDeath.length);
    const reopen = await runDx(['cases', 'reopen', dismissed!.caseId, '--reason', 'the namesake explanation did not hold', '--by', 'supervisor', '--data', warehouse.dataDir]);
    t.equal(reopen.code, 0, reopen.stderr);
    t.match(reopen.stdout, /is open/);
    const refused = await runDx(['cases', 'resolve', dismissed!.caseId, '--reason', 'x', '--data', warehouse.dataDir]);
    t.equal(refused.code, 1);
    t.match(refused.stderr, /cannot be resolved/);
    const table = await runDx(['cases', '--status', 'open', '--subject', dismissed!.subjectId!, '--data', warehouse.dataDir]);
    t.match(table.stdout, /1 case\(s\): 1 open/);
  });
});
