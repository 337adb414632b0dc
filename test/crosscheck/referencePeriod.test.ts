/**
 * The reference period: files collected at the start of a month describe the month before
 * (月初归集). A city generated for 2026-10 is dropped and collected as the 2026-11 drop, each
 * row's reference period the month before the drop (as a manifest declaring the previous month
 * makes collect write it). The cross-checks must judge the month the files describe: the
 * subsidies paid, the eligible left unpaid and pensions after death are those of the truth for
 * 2026-10. Judged against the drop's month instead, every paid person would be reported unpaid;
 * the test shows that too, so it can fail.
 */
import { readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { generateCity } from '../../src/fixtures/city.js';
import type { CityTruth } from '../../src/fixtures/truth.js';
import { governPeriod } from '../../src/govern/runGovern.js';
import { loadCanonicalSchemas } from '../../src/schemas/canonicalSchemas.js';
import { readTruth } from '../helpers/truth.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';
import { byRule, describe, score, subsidyType, SUBSIDY_REASON_RULES } from './helpers.js';

const DESCRIBED = '2026-10';
const DROP = '2026-11';

/** The files of a month renamed as the next month's drop (the departments' file names carry the drop month). */
function asNextDrop(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) asNextDrop(path);
    if (name.includes('202610')) renameSync(path, join(dir, name.replaceAll('202610', '202611')));
  }
}

t.test('cross-checks judge the month a drop describes', async (t) => {
  const drop = join(tempDir(t), DROP);
  await generateCity({ persons: 10_000, seed: 17, period: DESCRIBED, out: drop });
  const truth = readTruth(drop) as unknown as CityTruth;
  asNextDrop(drop);
  const set = loadConnectorSet();
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, set, { period: DROP, source: drop, until: 'check' });
  const loaded = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM subsidy_payment WHERE _period = ?`, [DROP]);
  t.ok(loaded!.n > 50, `${loaded!.n} subsidy payments collected as the ${DROP} drop`);

  const crossCheck = async () => {
    await governPeriod(warehouse, DROP, set);
    await crossCheckPeriod(warehouse, DROP);
    return readPeriodFindings(warehouse.dataDir, DROP)!.findings;
  };
  const unpaid = (findings: Awaited<ReturnType<typeof crossCheck>>) =>
    score(byRule(findings, 'subsidy_unpaid_eligible').map((f) => `${f.subjectId}|${subsidyType(f)}`), truth.unpaidEligible.map((u) => `${u.idNumber}|${u.subsidyType}`));

  const byDropMonth = unpaid(await crossCheck());
  t.comment(describe(`judged as ${DROP} (no reference period)`, byDropMonth));
  t.ok(byDropMonth.precision < 0.5, 'judged against the drop\'s month, the paid are reported unpaid');

  for (const schema of loadCanonicalSchemas().values()) {
    await warehouse.run(`ALTER TABLE ${schema.table} ADD COLUMN IF NOT EXISTS _reference_period VARCHAR`);
    await warehouse.run(`UPDATE ${schema.table} SET _reference_period = ? WHERE _period = ?`, [DESCRIBED, DROP]);
  }
  const findings = await crossCheck();
  const holds = (name: string, s: ReturnType<typeof score>) => {
    t.comment(describe(name, s));
    t.ok(s.planted > 0 && s.precision >= 0.99 && s.recall >= 0.99, `${name}: precision ${(s.precision * 100).toFixed(2)}%, recall ${(s.recall * 100).toFixed(2)}%`);
  };
  holds('unpaid eligible', unpaid(findings));
  t.ok(byRule(findings, 'subsidy_unpaid_eligible').every((f) => f.months.join() === DESCRIBED), `unpaid for ${DESCRIBED}, the month the ledger describes`);
  const key = (id: string | null, type: string, reason: string | null) => `${id}|${type}|${reason}`;
  holds('ineligible subsidies', score(byRule(findings, ...SUBSIDY_REASON_RULES).map((f) => key(f.subjectId, subsidyType(f), f.reason)),
    truth.ineligibleSubsidies.map((s) => key(s.idNumber, s.subsidyType, s.reason))));
  holds('pension after death', score(byRule(findings, 'pension_after_death').map((f) => `${f.subjectId}|${f.amount}`),
    truth.pensionsAfterDeath.map((p) => `${p.idNumber}|${p.amount}`)));
});
