/**
 * Onboarding a department layout the code has never seen takes one manifest: other headers,
 * another encoding, another delimiter, another date layout, other labels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { collectPeriod } from '../../src/collect/collectPeriod.js';
import { checkPeriod } from '../../src/check/runChecks.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { writeDropFile } from '../helpers/dropFolder.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const manifest = {
  department: 'guyang-police',
  departmentName: '固阳县公安局',
  dataset: 'resident-roll',
  title: '常住人口花名册',
  schema: 'household-register-person',
  source: { glob: 'guyang/花名册-{YYYY-MM}.txt', format: 'csv', encoding: 'gbk', delimiter: ';' },
  fields: {
    id_number: { column: '身份证件号' },
    name: { column: '名字' },
    sex: { column: '性别代码', codes: { '1': 'M', '2': 'F' } },
    birth_date: { column: '生日', formats: ['YYYY年M月D日'] },
    registered_area_code: { value: '150222' },
    address: { column: '现住址' },
    household_number: { column: '户编号' },
    status: { column: '状态', codes: { '0': 'normal', '1': 'deceased', '2': 'moved_out' } },
  },
};

const withCheck = (first17: string) => first17 + residentIdCheckCharacter(first17);
const BATU = withCheck('15022219870506001');
const WUYUN = withCheck('15022219591224002');
const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

t.test('a new layout is onboarded by writing one manifest', async (t) => {
  const connectors = tempDir(t, 'dx-connectors-');
  mkdirSync(join(connectors, 'guyang-police'));
  writeFileSync(join(connectors, 'guyang-police', 'resident-roll.json'), JSON.stringify(manifest, null, 2));
  const drop = tempDir(t);
  writeDropFile(drop, 'guyang/花名册-2026-11.txt', [
    '序号;身份证件号;名字;性别代码;生日;现住址;户编号;状态',
    `1;${BATU};巴特尔·那顺;1;1987年5月6日;固阳县金山镇;G0001;0`,
    `2;150222${fullWidth(WUYUN.slice(8, 17))};乌云;2;1959年12月24日;固阳县金山镇;G0001;1`,
    '3;150222198705060013;张 伟;1;1987年13月6日;固阳县;G0002;0',
  ], { encoding: 'gbk', eol: '\r\n' });
  const set = loadConnectorSet(connectors);
  t.same(set.broken, []);
  const warehouse = await tempWarehouse(t);
  const outcome = await collectPeriod(warehouse, set, '2026-11', drop);
  t.equal(outcome.attempts[0]!.status, 'loaded', outcome.attempts[0]!.error ?? '');
  t.same([outcome.attempts[0]!.batch!.rowsLoaded, outcome.attempts[0]!.batch!.rowsQuarantined], [2, 1]);
  const rows = await warehouse.all(
    `SELECT _line AS line, _connector AS connector, id_number, id_number_original, name, sex, CAST(birth_date AS VARCHAR) AS birth_date, registered_area_code, status
     FROM household_register_person ORDER BY _line`);
  t.same(rows, [
    { line: 2, connector: 'guyang-police/resident-roll', id_number: BATU, id_number_original: BATU, name: '巴特尔·那顺', sex: 'M', birth_date: '1987-05-06', registered_area_code: '150222', status: 'normal' },
    // A full-width legacy 15-digit number, normalised to 18 digits with its check character.
    { line: 3, connector: 'guyang-police/resident-roll', id_number: WUYUN, id_number_original: `150222${fullWidth(WUYUN.slice(8, 17))}`, name: '乌云', sex: 'F', birth_date: '1959-12-24', registered_area_code: '150222', status: 'deceased' },
  ]);
  const quarantined = await warehouse.one<{ line: number; reason: string }>(`SELECT line, reason FROM quarantine`);
  t.same(quarantined, { line: 4, reason: 'birth_date: "1987年13月6日" (生日) is not a date in YYYY年M月D日' });
  await checkPeriod(warehouse, set.connectors, '2026-11');
  const idCheck = await warehouse.one<{ status: string; failed_rows: number }>(`SELECT status, failed_rows FROM check_results WHERE rule_id = 'format:id_number'`);
  t.same(idCheck, { status: 'pass', failed_rows: 0 });
});
