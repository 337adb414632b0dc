/**
 * Govern two consecutive generated periods and hold the views and the reconciliation report
 * against the generator's ground truth. DX_ACCURACY_PERSONS sets the size (default 100,000).
 */
import { join } from 'node:path';
import t from 'tap';
import { generateCity } from '../../src/fixtures/city.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle, connectorIdsOf } from '../../src/cycle/runCycle.js';
import { governPeriod } from '../../src/govern/runGovern.js';
import { nameFieldFor } from '../../src/govern/idObservations.js';
import { reconciliationReport } from '../../src/report/reconciliationReport.js';
import { loadCanonicalSchemas } from '../../src/schemas/canonicalSchemas.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';
import { readTruth } from '../helpers/truth.js';

const PERSONS = Number(process.env.DX_ACCURACY_PERSONS ?? 100_000);
const PERIODS = ['2026-10', '2026-11'];

interface Changes { births: string[]; deaths: string[]; movedOut: string[]; newCompanies: string[]; closedCompanies: string[] }

t.test(`govern a city of ${PERSONS.toLocaleString('en-US')} persons over two periods`, async (t) => {
  const root = tempDir(t, 'dx-govern-');
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet();
  for (const period of PERIODS) {
    await generateCity({ persons: PERSONS, seed: 5, period, out: join(root, period) });
    await runCycle(warehouse, set, { period, source: join(root, period), until: 'govern' });
  }
  const period = PERIODS[1]!;
  const truth = readTruth(join(root, period));
  const report = await reconciliationReport(warehouse, period, connectorIdsOf(set));

  t.test('every person on the police register appears exactly once', async (t) => {
    const counts = await warehouse.one<{ rows: number; ids: number; police: number }>(
      `SELECT (SELECT count(*) FROM population_view WHERE period = $p) AS rows,
              (SELECT count(DISTINCT id_number) FROM population_view WHERE period = $p) AS ids,
              (SELECT count(DISTINCT id_number) FROM household_register_person WHERE _period = $p AND dx_resident_id_problem(id_number, DATE '2026-11-30') IS NULL) AS police`, { p: period });
    t.equal(counts!.rows, counts!.ids, 'no person twice');
    t.equal(counts!.ids, counts!.police, 'no person missing');
    t.ok(counts!.rows > PERSONS * 0.9);
  });

  t.test('mistyped IDs: at least 95% of the repairable repaired, none linked wrongly', async (t) => {
    const schemas = loadCanonicalSchemas();
    const schemaOf = new Map(set.connectors.map((c) => [c.id, c.schema]));
    const known = new Set((await warehouse.all<{ id: string }>(`SELECT id_number AS id FROM population_view WHERE period = ?`, [period])).map((r) => r.id));
    const planted = new Map(truth.mistypedIds.map((m) => [`${m.file}|${m.line}|${m.field}`, m]));
    const repairs = report.id_resolution.items.filter((r) => r.status === 'repaired');
    const wrong = repairs.filter((r) => planted.get(`${r.file}|${r.line}|${r.field}`)?.trueId !== r.repaired_id);
    t.same(wrong, [], 'no wrong link');
    const repairable = truth.mistypedIds.filter((m) => known.has(m.trueId) && nameFieldFor(schemaOf.get(m.connector)!, m.field) !== undefined);
    const repaired = repairable.filter((m) => repairs.some((r) => r.file === m.file && r.line === m.line && r.field === m.field));
    t.ok(schemas.size === 13);
    t.ok(repairable.length > 50, `${repairable.length} repairable mistyped IDs planted`);
    t.ok(repaired.length / repairable.length >= 0.95, `${repaired.length} of ${repairable.length} repaired`);
    const unresolved = report.id_resolution.items.filter((r) => r.status === 'unresolved');
    t.ok(unresolved.every((u) => u.evidence.length > 0), 'every unresolved number says why');
  });

  t.test('every planted conflict is in the report, with its source rows', async (t) => {
    const conflicts = report.conflicts.items;
    const has = (kind: string, id: string) => conflicts.some((c) => c.kind === kind && c.subject_id === id);
    const dead = (truth.deathsNotCancelled as Array<{ idNumber: string; attestedBy: string[] }>).filter((d) => d.attestedBy.length > 0);
    t.ok(dead.length > 0);
    t.same(dead.filter((d) => !has('alive_in_police_dead_elsewhere', d.idNumber)), [], 'alive in the police register but dead per health or civil affairs');
    const companies = truth.deregisteredTaxActive as Array<{ uscc: string }>;
    t.ok(companies.length > 0);
    t.same(companies.filter((c) => !has('deregistered_but_tax_active', c.uscc)), [], 'deregistered or revoked but active in tax');
    const mismatches = truth.deathDateDisagreements as Array<{ idNumber: string }>;
    t.same(mismatches.filter((m) => !has('death_date_mismatch', m.idNumber)), [], 'death dates that disagree');
    t.ok(conflicts.every((c) => c.sources.length >= 2 && c.sources.every((s) => s.file && s.line > 0)), 'every conflict points to both sides\' rows');
  });

  t.test('month over month matches what the generator changed', async (t) => {
    const changes = truth.changes as Changes;
    const mom = report.month_over_month!;
    t.equal(mom.previous_period, PERIODS[0]);
    t.same([...mom.new_persons].sort(), [...changes.births].sort(), 'new persons are the births');
    t.same([...mom.deaths].sort(), [...changes.deaths].sort(), 'deaths');
    t.same([...mom.moved_out].sort(), [...changes.movedOut].sort(), 'moved out');
    t.same([...mom.new_companies].sort(), [...changes.newCompanies].sort(), 'new companies');
    t.same([...mom.closed_companies].sort(), [...changes.closedCompanies].sort(), 'closed companies');
  });

  t.test('re-running a period gives identical views', async (t) => {
    const again = await governPeriod(warehouse, period);
    t.equal(again.populationViewSha256, report.views.population_view.sha256);
    t.equal(again.legalEntityViewSha256, report.views.legal_entity_view.sha256);
    await runCycle(warehouse, set, { period, source: join(root, period), until: 'govern' });
    const after = await reconciliationReport(warehouse, period, connectorIdsOf(set));
    t.same(after.views, report.views, 'a whole second cycle too');
    const october = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM population_view WHERE period = ?`, [PERIODS[0]!]);
    t.ok(october!.n > 0, 'the previous period\'s snapshot is kept');
  });
});
