/**
 * Roles and authority are declared: the same files under other department codes govern and
 * cross-check to the same findings (only the departments named in provenance differ); an
 * unknown department, or a role declared on the wrong dataset, is an error naming the manifest;
 * a rule whose role nobody supplies is not run and says so, naming the rule; a penalty sent
 * twice counts once, with the penalising department as its provenance.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet, type ConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { readPeriodFindings } from '../../src/crosscheck/findings.js';
import { generateCity } from '../../src/fixtures/city.js';
import { loadDepartments } from '../../src/govern/departments.js';
import { governPeriod } from '../../src/govern/runGovern.js';
import { usccCheckCharacter } from '../../src/ids/uscc.js';
import { CONNECTORS_DIR, SCHEMAS_DIR } from '../../src/paths.js';
import { writeDropFile, HOUSEHOLD_HEADER, householdRow } from '../helpers/dropFolder.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const PERIOD = '2026-11';

/** The repository's manifests with every department renamed (code → code'), and a registry for them. */
function renamedCity(dir: string, rename: (code: string) => string): { set: ConnectorSet; registry: string } {
  const connectors = join(dir, 'connectors');
  for (const department of readdirSync(CONNECTORS_DIR)) {
    mkdirSync(join(connectors, rename(department)), { recursive: true });
    for (const file of readdirSync(join(CONNECTORS_DIR, department))) {
      const manifest = JSON.parse(readFileSync(join(CONNECTORS_DIR, department, file), 'utf8')) as Record<string, unknown>;
      delete manifest.$schema;
      writeFileSync(join(connectors, rename(department), file), JSON.stringify({ ...manifest, department: rename(department) }));
    }
  }
  const registry = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'departments.json'), 'utf8')) as { departments: Array<{ code: string }> };
  registry.departments = registry.departments.map((d) => ({ ...d, code: rename(d.code) }));
  writeFileSync(join(dir, 'departments.json'), JSON.stringify(registry));
  return { set: loadConnectorSet(connectors), registry: join(dir, 'departments.json') };
}

t.test('the same files under other department codes give the same findings', async (t) => {
  const root = tempDir(t);
  const drop = join(root, 'drop');
  await generateCity({ persons: 3000, seed: 3, period: PERIOD, out: drop });
  const rename = (code: string) => `d${code.length}x${code.slice(0, 2)}`;
  const renamed = renamedCity(root, rename);
  t.equal(renamed.set.broken.length, 0, 'the renamed manifests load');

  const findingsOf = async (set: ConnectorSet, registry?: string) => {
    const warehouse = await tempWarehouse(t);
    await runCycle(warehouse, set, { period: PERIOD, source: drop, until: 'check' });
    await governPeriod(warehouse, PERIOD, set, registry ? { departments: loadDepartments(registry) } : {});
    const result = await crossCheckPeriod(warehouse, PERIOD);
    t.same(result.rules.filter((r) => r.error), [], 'every rule ran');
    const provenance = await warehouse.one<{ identity: string; death: string | null }>(
      `SELECT provenance.identity.department AS identity, max(provenance.death.department) AS death FROM population_view WHERE period = ? GROUP BY 1`, [PERIOD]);
    return { findings: readPeriodFindings(warehouse.dataDir, PERIOD)!.findings, provenance };
  };
  const sample = await findingsOf(loadConnectorSet());
  const other = await findingsOf(renamed.set, renamed.registry);
  const key = (f: { rule: string; subjectId: string | null; reason: string | null; amount: number | null; months: string[] }) => `${f.rule}|${f.subjectId}|${f.reason}|${f.amount}|${f.months.join()}`;
  t.ok(sample.findings.length > 20, `${sample.findings.length} findings on the sample city`);
  t.same(other.findings.map(key), sample.findings.map(key), 'the same findings, amounts and months');
  const rules = new Set(other.findings.map((f) => f.rule));
  t.ok(rules.size >= 5 && rules.has('subsidy_unpaid_eligible'), `${rules.size} rules find cases under other codes: ${[...rules].join(', ')}`);
  t.equal(other.provenance!.identity, rename('police'), 'provenance names the department as the city codes it');
  t.ok(JSON.stringify(other.findings).includes(rename('health')) && !JSON.stringify(other.findings).includes('"health"'), 'death evidence names the renamed departments only');
});

t.test('an unknown department or a misplaced role names its manifest', async (t) => {
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet();
  const stray = { ...set, connectors: set.connectors.map((c) => (c.id.endsWith('/tax-registration') ? { ...c, department: 'no-such-bureau' } : c)) };
  await t.rejects(governPeriod(warehouse, PERIOD, stray), { name: 'UnknownDepartmentError', message: /connectors\/tax\/tax-registration\.json: \/department: "no-such-bureau" is not in the department registry/ });
  const misplaced = { ...set, connectors: set.connectors.map((c) => (c.id.endsWith('/tax-registration') ? { ...c, manifest: { ...c.manifest, roles: ['death-evidence'] } } : c)) };
  await t.rejects(governPeriod(warehouse, PERIOD, misplaced), { name: 'RoleError', message: /tax-registration\.json: \/roles\/0: role "death-evidence" is played by "death-record" datasets, not "tax-registration"/ });
  const unknown = { ...set, connectors: set.connectors.map((c) => (c.id.endsWith('/tax-registration') ? { ...c, manifest: { ...c.manifest, roles: ['taxes'] } } : c)) };
  await t.rejects(governPeriod(warehouse, PERIOD, unknown), { message: /tax-registration\.json: \/roles\/0: no role "taxes"/ });
});

const withCheck = (first17: string) => first17 + usccCheckCharacter(first17);

t.test('a penalty sent twice counts once; a rule whose role nobody supplies says so', async (t) => {
  const drop = tempDir(t);
  const company = withCheck('91150203MA0000001');
  const person = '150203198001010011';
  writeDropFile(drop, 'police/户籍人口_202611.csv', [HOUSEHOLD_HEADER, householdRow(person, '张伟')]);
  writeDropFile(drop, 'market-supervision/企业登记_202611.csv', [
    '统一社会信用代码,企业名称,企业类型,法定代表人,法定代表人身份证号,住所,成立日期,注册资本(万元),登记状态,状态日期',
    `${company},包头市钢铁贸易有限公司,有限责任公司,张伟,${person},包头市昆都仑区,2015-03-01,100,存续,2015-03-01`,
  ], { bom: true });
  const header = '处罚决定书文号,当事人类型,当事人名称,统一社会信用代码,身份证号,违法行为,罚款金额,处罚决定日期,处罚机关';
  const first = `包交罚〔2026〕1号,法人,包头市钢铁贸易有限公司,${company},,超限运输,2000,2026-11-03,包头市交通运输局`;
  const second = `包交罚〔2026〕2号,法人,包头市钢铁贸易有限公司,${company},,未按规定维护,500,2026-11-09,包头市交通运输局`;
  writeDropFile(drop, 'transport/行政处罚_202611.csv', [header, first, second, first], { encoding: 'gb18030' });
  const all = loadConnectorSet();
  const set = { connectors: all.connectors.filter((c) => ['household-register-person', 'business-registration', 'administrative-penalty'].includes(c.schema.name)), broken: [] };
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, set, { period: PERIOD, source: drop, until: 'govern' });
  const entity = await warehouse.one<{ penalty_count: number; penalty_total: number; registration: string; penalties: string }>(
    `SELECT penalty_count, CAST(penalty_total AS DOUBLE) AS penalty_total, provenance.registration.department AS registration, provenance.penalties.department AS penalties
     FROM legal_entity_view WHERE period = ? AND uscc = ?`, [PERIOD, company]);
  t.match(entity, { penalty_count: 2, penalty_total: 2500, registration: 'market-supervision', penalties: 'transport' }, 'two decisions, the penalising department as their provenance');

  const result = await crossCheckPeriod(warehouse, PERIOD);
  const pension = result.rules.find((r) => r.rule === 'pension_after_death')!;
  t.match(pension.error, /pipelines\/crosschecks\/pension_after_death\.sql: needs role\(s\) pension-payments, which no manifest supplies/);
  t.notOk(result.rules.find((r) => r.rule === 'penalty_unknown_party')!.error, 'a rule whose roles are supplied runs');
});
