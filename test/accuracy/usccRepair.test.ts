/**
 * USCC repair against planted truth: tax rows whose taxpayer number was mistyped (one
 * character substituted, or two adjacent ones swapped, the company's name kept) are linked to
 * the registered company, at least 95% of them and none wrongly; a mistyped number under
 * another name stays unresolved; and deregistered-but-tax-active then finds the companies
 * whose tax row carries a mistyped code, at precision and recall of 99% or more.
 * DX_ACCURACY_PERSONS sets the size (default 100,000).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import { runCycle, connectorIdsOf } from '../../src/cycle/runCycle.js';
import { generateCity } from '../../src/fixtures/city.js';
import type { CityTruth } from '../../src/fixtures/truth.js';
import { USCC_ALPHABET, usccProblem } from '../../src/ids/uscc.js';
import { reconciliationReport } from '../../src/report/reconciliationReport.js';
import { readTruth } from '../helpers/truth.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';
import { describe, score } from '../crosscheck/helpers.js';

const PERSONS = Number(process.env.DX_ACCURACY_PERSONS ?? 100_000);
const PERIOD = '2026-11';

/** One keystroke away, deterministically by `k`: a substitution or an adjacent transposition that the check character catches. */
function mistype(code: string, k: number): string {
  for (let attempt = 0; attempt < 40; attempt++) {
    const p = (k * 7 + attempt * 5) % 17;
    const typed = (k + attempt) % 3 === 0 && code[p] !== code[p + 1]
      ? code.slice(0, p) + code[p + 1] + code[p] + code.slice(p + 2)
      : code.slice(0, p) + USCC_ALPHABET[(USCC_ALPHABET.indexOf(code[p]!) + 1 + ((k + attempt) % 29)) % 31] + code.slice(p + 1);
    if (usccProblem(typed) !== null) return typed;
  }
  throw new Error(`no detectable mistype of ${code}`);
}

interface Planted { trueCode: string; typed: string; renamed: boolean }

/** Mistype the taxpayer number of every deregistered-but-active company and of every 20th other row; every 6th under another name. */
async function plantMistypedTaxCodes(drop: string, deregistered: Set<string>): Promise<Planted[]> {
  const file = join(drop, 'tax', readdirSync(join(drop, 'tax')).find((f) => f.endsWith('.parquet'))!);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const rows = (await db.runAndReadAll(`SELECT "纳税人识别号" AS code, row_number() OVER () AS n FROM read_parquet(?)`, [file])).getRowObjectsJS() as Array<{ code: string; n: bigint }>;
    const planted: Planted[] = [];
    for (const row of rows) {
      const n = Number(row.n);
      if (!row.code || usccProblem(row.code) !== null || !(deregistered.has(row.code) || n % 20 === 3)) continue;
      planted.push({ trueCode: row.code, typed: mistype(row.code, n), renamed: planted.length % 6 === 5 });
    }
    await db.run(`CREATE TABLE planted AS SELECT * FROM (SELECT unnest(from_json(?::JSON, '[{"trueCode":"VARCHAR","typed":"VARCHAR","renamed":"BOOLEAN"}]'), recursive := true))`, [JSON.stringify(planted)]);
    await db.run(`COPY (SELECT t.* REPLACE (coalesce(p.typed, t."纳税人识别号") AS "纳税人识别号",
                         CASE WHEN p.renamed THEN t."纳税人名称" || '分公司' ELSE t."纳税人名称" END AS "纳税人名称")
                       FROM read_parquet(?) AS t LEFT JOIN planted AS p ON p.trueCode = t."纳税人识别号") TO '${file}.new' (FORMAT parquet)`, [file]);
    await db.run(`COPY (SELECT * FROM read_parquet('${file}.new')) TO '${file}' (FORMAT parquet)`);
    return planted;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

t.test(`USCC repair on a city of ${PERSONS.toLocaleString('en-US')} persons with mistyped tax codes`, async (t) => {
  const root = tempDir(t, 'dx-uscc-');
  const drop = join(root, PERIOD);
  await generateCity({ persons: PERSONS, seed: 13, period: PERIOD, out: drop });
  const truth = readTruth(drop) as unknown as CityTruth;
  const planted = await plantMistypedTaxCodes(drop, new Set(truth.deregisteredTaxActive.map((d) => d.uscc)));
  const repairable = planted.filter((p) => !p.renamed);
  t.ok(repairable.length > 30, `${planted.length} tax codes mistyped, ${repairable.length} under the company's own name`);

  const set = loadConnectorSet();
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, set, { period: PERIOD, source: drop, until: 'govern' });
  const report = await reconciliationReport(warehouse, PERIOD, connectorIdsOf(set));
  const byTyped = new Map(planted.map((p) => [p.typed, p]));
  const repairs = report.uscc_resolution.items.filter((r) => r.status === 'repaired');
  const wrong = repairs.filter((r) => byTyped.get(r.original_code)?.trueCode !== r.repaired_code);
  t.same(wrong, [], 'no wrong link');
  const repaired = repairable.filter((p) => repairs.some((r) => r.original_code === p.typed));
  t.ok(repaired.length / repairable.length >= 0.95, `${repaired.length} of ${repairable.length} repairable codes repaired`);
  const renamed = planted.filter((p) => p.renamed);
  const unresolved = report.uscc_resolution.items.filter((r) => r.status === 'unresolved');
  t.ok(renamed.every((p) => unresolved.some((u) => u.original_code === p.typed && /none with this name/.test(u.evidence))), `the ${renamed.length} under another name stay unresolved, saying why`);
  t.ok(repairs.every((r) => /agrees with the business register/.test(r.evidence) && r.file && r.line > 0), 'every repair keeps its evidence and source row');

  await crossCheckPeriod(warehouse, PERIOD);
  const findings = readPeriodFindings(warehouse.dataDir, PERIOD)!.findings.filter((f) => f.rule === 'company_deregistered_tax_active');
  // A company whose tax row now carries another name is no longer known to be the same taxpayer.
  const expected = truth.deregisteredTaxActive.filter((d) => !renamed.some((p) => p.trueCode === d.uscc)).map((d) => `${d.uscc}|${d.status}`);
  const s = score(findings.map((f) => `${f.subjectId}|${f.reason}`), expected);
  t.comment(describe('deregistered but tax-active, with mistyped tax codes', s));
  const mistypedAmongThem = expected.filter((k) => planted.some((p) => !p.renamed && k.startsWith(`${p.trueCode}|`)));
  t.ok(mistypedAmongThem.length >= expected.length * 0.9, `${mistypedAmongThem.length} of ${expected.length} carry a mistyped code in tax`);
  t.ok(s.precision >= 0.99 && s.recall >= 0.99, `precision ${(s.precision * 100).toFixed(2)}%, recall ${(s.recall * 100).toFixed(2)}%`);
});
