/**
 * Cross-checks on a generated city against the generator's ground truth (truth.json), in a
 * layout family's files and by its manifests alone: precision and recall of 99% or more for
 * pension after death (with the exact overpaid amount for every true case), the subsidies
 * (with the right reason) and the companies. DX_ACCURACY_PERSONS sets the size (default
 * 100,000). Run on each layout by accuracy.test.ts and variantAccuracy.test.ts.
 */
import { join } from 'node:path';
import t from 'tap';
import { generateCity } from '../../src/fixtures/city.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import type { CityTruth } from '../../src/fixtures/truth.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';
import { readTruth } from '../helpers/truth.js';
import { byRule, describe, score, subsidyType, SUBSIDY_REASON_RULES } from './helpers.js';

const PERSONS = Number(process.env.DX_ACCURACY_PERSONS ?? 100_000);
const PERIOD = '2026-11';
const AT_LEAST = 0.99;

/** `connectorsDir`: the layout's manifests (the repository's connectors/ when not given). */
export function crossCheckAccuracy(layout: string, connectorsDir?: string): void {
t.test(`cross-check a city of ${PERSONS.toLocaleString('en-US')} persons in the ${layout} layout against its truth`, async (t) => {
  const root = tempDir(t, 'dx-crosscheck-');
  const warehouse = await tempWarehouse(t);
  await generateCity({ persons: PERSONS, seed: 11, period: PERIOD, out: join(root, PERIOD), ...(connectorsDir ? { connectorsDir } : {}) });
  const set = loadConnectorSet(connectorsDir);
  t.same(set.broken, [], 'every manifest of the layout loads');
  await runCycle(warehouse, set, { period: PERIOD, source: join(root, PERIOD), until: 'govern' });
  const started = Date.now();
  const result = await crossCheckPeriod(warehouse, PERIOD);
  t.comment(`cross-checks: ${result.findings} findings in ${Date.now() - started} ms`);
  const truth = readTruth(join(root, PERIOD)) as unknown as CityTruth;
  const findings = readPeriodFindings(warehouse.dataDir, PERIOD)!.findings;

  const holds = (name: string, found: string[], planted: string[]) => {
    const s = score(found, planted);
    t.comment(describe(name, s));
    t.ok(s.planted > 0, `${name}: something was planted`);
    t.ok(s.precision >= AT_LEAST, `${name}: precision ${(s.precision * 100).toFixed(2)}% >= 99%`);
    t.ok(s.recall >= AT_LEAST, `${name}: recall ${(s.recall * 100).toFixed(2)}% >= 99%`);
  };

  t.test('pension paid after death, with the exact amount overpaid', async (t) => {
    const found = byRule(findings, 'pension_after_death');
    holds('pension after death', found.map((f) => f.subjectId!), truth.pensionsAfterDeath.map((p) => p.idNumber));
    const byId = new Map(found.map((f) => [f.subjectId, f]));
    const wrongAmount = truth.pensionsAfterDeath.filter((p) => byId.has(p.idNumber))
      .filter((p) => byId.get(p.idNumber)!.amount !== p.amount || byId.get(p.idNumber)!.months.join() !== p.payMonths.join());
    t.same(wrongAmount, [], 'every true case: the months and the amount overpaid exactly');
    t.ok(found.every((f) => Array.isArray(f.evidence.death_evidence) && (f.evidence.death_evidence as unknown[]).length > 0), 'every finding names its death evidence');
  });

  t.test('subsidies paid to the ineligible, with the right reason', async (t) => {
    const key = (id: string | null, type: string, reason: string | null) => `${id}|${type}|${reason}`;
    holds('ineligible subsidies', byRule(findings, ...SUBSIDY_REASON_RULES).map((f) => key(f.subjectId, subsidyType(f), f.reason)),
      truth.ineligibleSubsidies.map((s) => key(s.idNumber, s.subsidyType, s.reason)));
    const reasons = new Set(byRule(findings, ...SUBSIDY_REASON_RULES).map((f) => f.reason));
    for (const reason of new Set(truth.ineligibleSubsidies.map((s) => s.reason))) t.ok(reasons.has(reason), `reason ${reason} found`);
  });

  t.test('eligible people left unpaid', async (t) => {
    holds('unpaid eligible', byRule(findings, 'subsidy_unpaid_eligible').map((f) => `${f.subjectId}|${subsidyType(f)}`),
      truth.unpaidEligible.map((u) => `${u.idNumber}|${u.subsidyType}`));
  });

  t.test('companies', async (t) => {
    holds('deregistered or revoked but tax-active', byRule(findings, 'company_deregistered_tax_active').map((f) => `${f.subjectId}|${f.reason}`),
      truth.deregisteredTaxActive.map((d) => `${d.uscc}|${d.status}`));
    holds('legal representative deceased', byRule(findings, 'company_legal_representative_deceased').map((f) => f.subjectId!),
      truth.legalRepresentativesDeceased.map((d) => d.uscc));
    holds('penalty against an unknown code', byRule(findings, 'penalty_unknown_party').map((f) => f.subjectId!),
      truth.penaltiesUnknownParty.map((p) => p.decisionNumber));
  });

  t.test('a second run gives the same findings and opens no case twice', async (t) => {
    const again = await crossCheckPeriod(warehouse, PERIOD);
    t.equal(again.casesOpened, 0, 'no case opened again');
    t.same(readPeriodFindings(warehouse.dataDir, PERIOD)!.findings, findings, 'the same findings');
    t.equal(result.casesOpened, new Set(findings.map((f) => f.caseId)).size, 'one case per case key');
  });
});
}
