import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { collectPeriod } from '../../src/collect/collectPeriod.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { CONNECTORS_DIR } from '../../src/paths.js';
import { checksReport } from '../../src/report/checksReport.js';
import { checkPeriod } from '../../src/check/runChecks.js';
import { HOUSEHOLD_HEADER, householdRow, writeDropFile } from '../helpers/dropFolder.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const PERIOD = '2026-11';
const POLICE_FILE = 'police/户籍人口_202611.csv';
const DEATHS_FILE = 'health/死亡医学证明_202611.csv';

/** Only the police and health death connectors, copied so a test may break one. */
function twoConnectors(t: Parameters<typeof tempDir>[0]): string {
  const dir = tempDir(t, 'dx-connectors-');
  for (const c of ['police/household-register.json', 'health/death-certificate.json']) {
    mkdirSync(join(dir, c.split('/')[0]!), { recursive: true });
    cpSync(join(CONNECTORS_DIR, c), join(dir, c));
  }
  return dir;
}

function writePolice(drop: string, extra: string[] = []): void {
  writeDropFile(drop, POLICE_FILE, [
    HOUSEHOLD_HEADER,
    householdRow('110102199101010078', '张三'),
    householdRow('120110198012010073', '李四', { sex: '女' }),
    ...extra,
  ], { encoding: 'gb18030', eol: '\r\n' });
}

function writeDeaths(drop: string): void {
  writeDropFile(drop, DEATHS_FILE, ['证明编号,死者姓名,身份证号,死亡日期,死亡地点', 'D001,王五,120110199212010072,2026-10-03,包头市第一医院'], { bom: true });
}

async function tableCount(warehouse: Awaited<ReturnType<typeof tempWarehouse>>, table: string): Promise<number> {
  return (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE _period = ?`, [PERIOD]))!.n;
}

t.test('every row is loaded or quarantined with file, line and reason', async (t) => {
  const warehouse = await tempWarehouse(t);
  const drop = tempDir(t);
  writePolice(drop, [
    householdRow('130102199101010071', '钱七', { birth: '1991-01-01' }), // line 4: declared layout is YYYYMMDD
    householdRow('110102199101010078', '张三').replace('正常', '失踪'), // line 5: unknown label
    householdRow('110102199101010078', '张三') + ',extra', // line 6: one column too many
    '',
    householdRow('110102199101010078', '周"九'), // line 8: unbalanced quote
  ]);
  const set = loadConnectorSet(twoConnectors(t));
  const outcome = await collectPeriod(warehouse, set, PERIOD, drop);
  const police = outcome.attempts.find((a) => a.connector === 'police/household-register')!;
  t.equal(police.status, 'loaded');
  t.same({ read: police.batch!.rowsRead, loaded: police.batch!.rowsLoaded, quarantined: police.batch!.rowsQuarantined }, { read: 6, loaded: 2, quarantined: 4 });
  t.equal(outcome.attempts.find((a) => a.connector === 'health/death-certificate')!.status, 'missing');
  const quarantined = await warehouse.all<{ line: number; field: string | null; reason: string; raw_line: string; file: string }>(
    `SELECT line, field, reason, raw_line, file FROM quarantine WHERE period = ? ORDER BY line`, [PERIOD]);
  t.same(quarantined.map((q) => [q.line, q.field]), [[4, 'birth_date'], [5, 'status'], [6, null], [8, null]]);
  t.equal(quarantined[0]!.reason, 'birth_date: "1991-01-01" (出生日期) is not a date in YYYYMMDD');
  t.equal(quarantined[1]!.reason, 'status: "失踪" (人员状态) is not one of the labels 正常, 死亡注销, 迁出');
  t.equal(quarantined[2]!.reason, '12 cells where the header has 11 (a delimiter inside a value that is not quoted?)');
  t.match(quarantined[3]!.reason, /unbalanced quote/);
  t.match(quarantined[2]!.raw_line, /,extra$/);
  t.ok(quarantined.every((q) => q.file === POLICE_FILE));
  const lineage = await warehouse.all<{ _line: number; _file_sha256: string; _batch_id: string }>(`SELECT _line, _file_sha256, _batch_id FROM household_register_person ORDER BY _line`);
  t.same(lineage.map((l) => l._line), [2, 3]);
  t.match(lineage[0]!._file_sha256, /^[0-9a-f]{64}$/);
  t.equal(lineage[0]!._batch_id, police.batch!.batchId);
});

t.test('re-running a period replaces its batches: same counts, same checksums', async (t) => {
  const warehouse = await tempWarehouse(t);
  const drop = tempDir(t);
  writePolice(drop, [householdRow('110102199101010078', '张三')]);
  writeDeaths(drop);
  const set = loadConnectorSet(twoConnectors(t));
  const snapshot = async () => ({
    batches: await warehouse.all(`SELECT batch_id, connector, rows_read, rows_loaded, rows_quarantined FROM batches ORDER BY connector`),
    files: await warehouse.all(`SELECT file, sha256, rows_read FROM batch_files ORDER BY file`),
    persons: await warehouse.one(`SELECT count(*) AS n, sum(hash(id_number, name, _line)) AS h FROM household_register_person`),
    deaths: await warehouse.one(`SELECT count(*) AS n, sum(hash(id_number, death_date, _line)) AS h FROM death_record`),
    checks: await warehouse.all(`SELECT connector, rule_id, status, failed_rows FROM check_results ORDER BY connector, rule_id`),
    failures: await warehouse.one(`SELECT count(*) AS n FROM check_failures`),
  });
  await collectPeriod(warehouse, set, PERIOD, drop);
  await checkPeriod(warehouse, set.connectors, PERIOD);
  const first = await snapshot();
  await collectPeriod(warehouse, set, PERIOD, drop);
  await checkPeriod(warehouse, set.connectors, PERIOD);
  const second = await snapshot();
  t.same(second, first);
  t.equal((first.batches as unknown[]).length, 2);
  t.equal((first.persons as { n: number }).n, 3);
  t.ok((first.checks as Array<{ rule_id: string; failed_rows: number }>).some((c) => c.rule_id === 'unique:id_number' && c.failed_rows === 1), 'the duplicate is flagged');
});

t.test('a broken file fails its batch alone, naming the file, and keeps the previous load', async (t) => {
  const cases: Array<{ name: string; write: (drop: string) => void; message: RegExp }> = [
    { name: 'empty file', write: (d) => writeFileSync(join(d, POLICE_FILE), ''), message: /police\/户籍人口_202611\.csv: the file is empty/ },
    { name: 'unexpected encoding', write: (d) => writeDropFile(d, POLICE_FILE, [HOUSEHOLD_HEADER, householdRow('110102199101010078', '张三')]), message: /police\/户籍人口_202611\.csv line 1: the header is not valid gb18030 \(it reads as UTF-8: "公民身份号码,姓名/ },
    { name: 'missing mapped column', write: (d) => writeDropFile(d, POLICE_FILE, [HOUSEHOLD_HEADER.replace('出生日期', '生日'), householdRow('110102199101010078', '张三')], { encoding: 'gb18030' }), message: /police\/户籍人口_202611\.csv line 1: mapped column "出生日期" \(for birth_date\) not in the header/ },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const warehouse = await tempWarehouse(t);
      const drop = tempDir(t);
      writePolice(drop);
      writeDeaths(drop);
      const set = loadConnectorSet(twoConnectors(t));
      await collectPeriod(warehouse, set, PERIOD, drop);
      const before = await tableCount(warehouse, 'household_register_person');
      c.write(drop);
      const outcome = await collectPeriod(warehouse, set, PERIOD, drop);
      const police = outcome.attempts.find((a) => a.connector === 'police/household-register')!;
      t.equal(police.status, 'failed');
      t.match(police.error, c.message);
      t.equal(outcome.attempts.find((a) => a.connector === 'health/death-certificate')!.status, 'loaded', 'the other batch is loaded');
      t.equal(await tableCount(warehouse, 'household_register_person'), before, 'the previous load stays');
      t.equal(await tableCount(warehouse, 'death_record'), 1);
      const report = await checksReport(warehouse, PERIOD, set.connectors.map((x) => x.id));
      t.equal(report.publishable, false);
      t.match(report.blocking.join('\n'), /police\/household-register: batch failed/);
    });
  }
});

t.test('a manifest with an error fails its connector alone, naming the manifest and the field', async (t) => {
  const warehouse = await tempWarehouse(t);
  const drop = tempDir(t);
  writePolice(drop);
  writeDeaths(drop);
  const connectors = twoConnectors(t);
  const manifest = JSON.parse(readFileSync(join(CONNECTORS_DIR, 'police/household-register.json'), 'utf8')) as { fields: Record<string, unknown> };
  manifest.fields.sex = { column: '性别', codes: { 男: 'male' } };
  manifest.fields.nickname = { column: '别名' };
  writeFileSync(join(connectors, 'police/household-register.json'), JSON.stringify(manifest));
  const set = loadConnectorSet(connectors);
  t.equal(set.broken.length, 1);
  t.match(set.broken[0]!.error, /police\/household-register\.json: .*\/fields\/sex\/codes\/男: "male" is not one of M, F.*\/fields\/nickname: "household-register-person" has no field "nickname"/);
  const outcome = await collectPeriod(warehouse, set, PERIOD, drop);
  t.equal(outcome.attempts.find((a) => a.connector === 'police/household-register')!.status, 'failed');
  t.equal(outcome.attempts.find((a) => a.connector === 'health/death-certificate')!.status, 'loaded');
  writeFileSync(join(connectors, 'police/household-register.json'), '{ "department": ');
  t.match(loadConnectorSet(connectors).broken[0]!.error, /household-register\.json: not valid JSON/);
});

t.test('a missing source folder is refused before anything is touched', async (t) => {
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet(twoConnectors(t));
  await t.rejects(collectPeriod(warehouse, set, PERIOD, join(tempDir(t), 'no-such-folder')), { message: /source folder .*no-such-folder does not exist/ });
  t.equal((await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM collect_attempts`))!.n, 0);
  await t.rejects(collectPeriod(warehouse, set, '2026-13', tempDir(t)), { message: /period "2026-13" is not YYYY-MM/ });
});
