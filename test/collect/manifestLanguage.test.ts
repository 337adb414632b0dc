/**
 * The manifest language on exports shaped the way real departments send them: an ID number
 * only inside a certificate number, an area code that is a household number's prefix, death
 * records without a record number, a marriage keyed by four columns, a mixed payment ledger.
 */
import t from 'tap';
import { checksReport, renderChecksReport } from '../../src/report/checksReport.js';
import { collectManifestCity, validId } from '../helpers/manifestCity.js';

const A = validId(1);
const B = validId(2);
const C = validId(3, '19600202');

t.test('an ID number, category and grade are sliced out of the certificate number', async (t) => {
  const { warehouse, outcome } = await collectManifestCity(t, {
    'dpf/certificates.json': {
      department: 'dpf', dataset: 'certificates', schema: 'disability-certificate',
      source: { glob: 'dpf/证_{YYYYMM}.csv', format: 'csv' },
      nullTokens: ['无', '-', '/', 'NULL', '不详'],
      fields: {
        certificate_number: { column: '残疾人证号' },
        id_number: { column: '残疾人证号', slice: { start: 1, length: 18 } },
        name: { column: '姓名' },
        category: { column: '残疾人证号', slice: { start: 19, length: 1 } },
        grade: { column: '残疾人证号', slice: { start: 20, length: 1 } },
        valid_until: { column: '有效期至', formats: ['YYYYMMDD'] },
        issue_date: { column: '发证日期', formats: ['YYYYMMDD'] },
        status: { column: '状态', codes: { 有效: 'valid', 注销: 'cancelled' } },
      },
    },
  }, {
    'dpf/证_202611.csv': [
      '残疾人证号,姓名,有效期至,发证日期,状态',
      `${A}42,王芳,20300101,无,有效`,
      `${B}13,李强,20281231,-,注销`,
      '15020342,赵六,20300101,20200101,有效',
    ],
  });
  const batch = outcome.attempts[0]!.batch!;
  t.same([batch.rowsRead, batch.rowsLoaded, batch.rowsQuarantined, batch.rowsFiltered], [3, 2, 1, 0]);
  const rows = await warehouse.all(`SELECT id_number, category, grade, issue_date IS NULL AS no_issue_date, status FROM disability_certificate ORDER BY _line`);
  t.same(rows, [
    { id_number: A, category: '4', grade: 2, no_issue_date: true, status: 'valid' },
    { id_number: B, category: '1', grade: 3, no_issue_date: true, status: 'cancelled' },
  ]);
  const q = await warehouse.one<{ line: number; field: string; reason: string }>(`SELECT line, field, reason FROM quarantine`);
  t.equal(q!.line, 4);
  t.equal(q!.field, 'id_number');
  t.equal(q!.reason, 'id_number: "15020342" (残疾人证号) has 8 characters; slice(1, 18) needs 18 (and 2 more: category, grade; are the cells shifted?)');
});

t.test('an area code is the prefix of the household number; a filter leaves out void rows, counted', async (t) => {
  const { warehouse, outcome } = await collectManifestCity(t, {
    'pol/hukou.json': {
      department: 'pol', dataset: 'hukou', schema: 'household-register-person',
      source: { glob: 'pol/户籍_{YYYY-MM}.csv', format: 'csv' },
      filter: { exclude: { column: '记录状态', matches: '^作废' } },
      fields: {
        id_number: { column: '身份证号' },
        name: { column: '姓名', clean: ['spaces'] },
        sex: { column: '性别', codes: { 男: 'M', 女: 'F' } },
        birth_date: { column: '出生日期', formats: ['YYYYMMDD'] },
        household_number: { column: '户号', clean: ['full-width'] },
        registered_area_code: { column: '户号', clean: ['full-width'], extract: '^(\\d{6})' },
        status: { column: '状态', codes: { 正常: 'normal', 死亡: 'deceased' } },
      },
    },
  }, {
    'pol/户籍_2026-11.csv': [
      '身份证号,姓名,性别,出生日期,户号,状态,记录状态',
      `${A},王 芳,女,19500101,１５０２０３００１２,正常,有效`,
      `${B},李强,男,19500101,150203-0099,正常,作废(重复)`,
      `${C},张伟,男,19600202,H-0042,正常,有效`,
    ],
  });
  const file = outcome.attempts[0]!.batch!.files[0]!;
  t.same([file.rowsRead, file.rowsLoaded, file.rowsQuarantined, file.rowsFiltered], [3, 1, 1, 1], 'read = loaded + quarantined + filtered');
  const recorded = await warehouse.one(`SELECT rows_read, rows_loaded, rows_quarantined, rows_filtered FROM batch_files`);
  t.same(recorded, { rows_read: 3, rows_loaded: 1, rows_quarantined: 1, rows_filtered: 1 });
  t.same(await warehouse.all(`SELECT name, household_number, registered_area_code FROM household_register_person`), [
    { name: '王芳', household_number: '1502030012', registered_area_code: '150203' },
  ]);
  const q = await warehouse.one<{ reason: string }>(`SELECT reason FROM quarantine`);
  t.equal(q!.reason, 'registered_area_code: "H-0042" (户号) does not match extract /^(\\d{6})/');
  const filter = await warehouse.one(`SELECT status, failed_rows FROM check_results WHERE rule_id = 'filter'`);
  t.same(filter, { status: 'pass', failed_rows: 1 });
  const report = await checksReport(warehouse, '2026-11', ['pol/hukou']);
  for (const f of report.batches[0]!.files) t.equal(f.rows_read, f.rows_loaded + f.rows_quarantined + f.rows_filtered, `${f.file}: read = loaded + quarantined + filtered`);
  t.same(report.totals, { rows_read: 3, rows_loaded: 1, rows_quarantined: 1, rows_filtered: 1 });
  t.match(renderChecksReport(report), '3 rows read, 1 loaded, 1 quarantined, 1 filtered.');
});

t.test('death records without a record number get a surrogate key and describe the month before the drop', async (t) => {
  const { warehouse } = await collectManifestCity(t, {
    'ca/funeral.json': {
      department: 'ca', dataset: 'funeral', schema: 'death-record',
      source: { glob: 'ca/殡葬_{YYYYMM}.csv', format: 'csv' },
      referencePeriod: 'previous',
      fields: {
        record_number: { surrogate: 'file-line' },
        source_kind: { column: '殡葬方式', codes: { 火化: 'cremation', 土葬: 'burial', 其他: 'other' } },
        id_number: { column: '身份证号' },
        death_date: { column: '死亡日期', formats: ['YYYY-MM-DD'] },
      },
    },
  }, {
    'ca/殡葬_202611.csv': ['身份证号,死亡日期,殡葬方式', `${A},2026-10-03,土葬`, `${B},2026-10-09,火化`, `${C},2026-10-21,其他`],
  });
  t.same(await warehouse.all(`SELECT record_number, source_kind, _reference_period, _period FROM death_record ORDER BY _line`), [
    { record_number: 'ca/殡葬_202611.csv:2', source_kind: 'burial', _reference_period: '2026-10', _period: '2026-11' },
    { record_number: 'ca/殡葬_202611.csv:3', source_kind: 'cremation', _reference_period: '2026-10', _period: '2026-11' },
    { record_number: 'ca/殡葬_202611.csv:4', source_kind: 'other', _reference_period: '2026-10', _period: '2026-11' },
  ]);
  const unique = await warehouse.one(`SELECT status FROM check_results WHERE rule_id = 'unique:record_number'`);
  t.same(unique, { status: 'pass' });
});

t.test('a marriage is keyed by a hash of four columns; a code table beside the manifest; a template over two columns', async (t) => {
  const manifest = {
    department: 'ca', dataset: 'marriages', schema: 'marriage-registration',
    source: { glob: 'ca/婚姻_{YYYYMM}.csv', format: 'csv' },
    referencePeriod: { field: 'registration_date' },
    fields: {
      registration_number: { surrogate: { hash: ['男方证件号', '女方证件号', '类别', '日期'] } },
      kind: { column: '类别', lookup: { file: 'kinds.csv' } },
      husband_id_number: { column: '男方证件号' },
      wife_id_number: { column: '女方证件号' },
      registration_date: { column: '日期', formats: ['YYYY/M/D'] },
      registry_office: { template: '{区}民政局{登记处}' },
    },
  };
  const rows = ['男方证件号,女方证件号,类别,日期,区,登记处', `${A},${B},1,2026/10/30,昆都仑区,婚姻登记处`, `${C},${B},9,2026/11/2,青山区,`, `${C},${B},2,2026/11/2,青山区,`];
  const { warehouse } = await collectManifestCity(t, { 'ca/marriages.json': manifest, 'ca/kinds.csv': '代码,类别\n1,marriage\n2,divorce\n3,remarriage\n' }, { 'ca/婚姻_202611.csv': rows });
  const loaded = await warehouse.all<{ registration_number: string; kind: string; registry_office: string | null; _reference_period: string }>(
    `SELECT registration_number, kind, registry_office, _reference_period FROM marriage_registration ORDER BY _line`);
  t.equal(loaded.length, 2);
  t.match(loaded[0], { kind: 'marriage', registry_office: '昆都仑区民政局婚姻登记处', _reference_period: '2026-10' });
  t.match(loaded[1], { kind: 'divorce', registry_office: null, _reference_period: '2026-11' }, 'a template over an empty column is empty');
  t.match(loaded[0]!.registration_number, /^[0-9a-f]{20}$/);
  t.not(loaded[0]!.registration_number, loaded[1]!.registration_number);
  const q = await warehouse.one<{ reason: string; field: string }>(`SELECT reason, field FROM quarantine`);
  t.same(q, { field: 'kind', reason: 'kind: "9" (类别) is not in kinds.csv' });
  // The same files give the same keys: the hash is of the department's text, nothing else.
  const again = await collectManifestCity(t, { 'ca/marriages.json': manifest, 'ca/kinds.csv': '代码,类别\n1,marriage\n2,divorce\n' }, { 'ca/婚姻_202611.csv': rows });
  t.same((await again.warehouse.all<{ registration_number: string }>(`SELECT registration_number FROM marriage_registration ORDER BY _line`)).map((r) => r.registration_number), loaded.map((r) => r.registration_number));
});

t.test('a mixed payment ledger: only pensions kept, amounts cleaned, control totals compared exactly', async (t) => {
  const manifest = (control: unknown) => ({
    department: 'ss', dataset: 'ledger', schema: 'pension-payment',
    source: { glob: 'ss/发放台账_{YYYYMM}.csv', format: 'csv' },
    filter: { include: { column: '项目', equals: ['养老金', '基本养老金'] } },
    delivery: { control },
    fields: {
      id_number: { column: '证件号码' },
      pay_month: { column: '所属期', formats: ['YYYYMM'] },
      amount: { column: '金额', clean: ['full-width', 'thousands', 'currency'] },
    },
  });
  const ledger = ['证件号码,所属期,项目,金额', `${A},202611,养老金,"¥3,200.50"`, `${B},202611,医疗补助,500`, `${C},202611,基本养老金,１２００元`];
  const agreeing = await collectManifestCity(t, { 'ss/ledger.json': manifest({ sums: { amount: '金额合计' }, rows: '记录数' }) }, {
    'ss/发放台账_202611.csv': ledger,
    'ss/发放台账_202611.csv.control.json': [JSON.stringify({ 记录数: 3, 金额合计: '4,400.50' })],
  });
  t.same(await agreeing.warehouse.all(`SELECT CAST(amount AS VARCHAR) AS amount FROM pension_payment ORDER BY _line`), [{ amount: '3200.50' }, { amount: '1200.00' }]);
  t.same(await agreeing.warehouse.one(`SELECT status, message FROM check_results WHERE rule_id = 'control_totals'`), { status: 'pass', message: '2 declared total(s) match' });
  const short = await collectManifestCity(t, { 'ss/ledger.json': manifest({ glob: 'ss/校核_{YYYYMM}.csv', sums: { amount: '金额合计' }, rows: '记录数' }) }, {
    'ss/发放台账_202611.csv': ledger,
    'ss/校核_202611.csv': ['记录数,金额合计', '4,4400.50'],
  });
  const result = await short.warehouse.one<{ status: string; message: string }>(`SELECT status, message FROM check_results WHERE rule_id = 'control_totals'`);
  t.equal(result!.status, 'error', 'a mismatch blocks publishing');
  t.equal(result!.message, 'ss/校核_202611.csv declares 4 for data rows; 3 arrived');
  const missing = await collectManifestCity(t, { 'ss/ledger.json': manifest({ rows: '记录数' }) }, { 'ss/发放台账_202611.csv': ledger });
  t.match(await missing.warehouse.one(`SELECT status, message FROM check_results WHERE rule_id = 'control_totals'`), { status: 'error', message: 'no control file ss/发放台账_202611.csv.control.json was delivered' });
});

t.test('an empty delivery is an error unless the manifest allows it; a filter that leaves out every row warns', async (t) => {
  const manifest = (extra: object) => ({
    department: 'ss', dataset: 'ledger', schema: 'pension-payment',
    source: { glob: 'ss/台账_{YYYYMM}.csv', format: 'csv' },
    fields: { id_number: { column: '证件号码' }, pay_month: { column: '所属期', formats: ['YYYYMM'] }, amount: { column: '金额' } },
    ...extra,
  });
  const empty = await collectManifestCity(t, { 'ss/l.json': manifest({}) }, { 'ss/台账_202611.csv': ['证件号码,所属期,金额'] });
  t.match(await empty.warehouse.one(`SELECT status, severity FROM check_results WHERE rule_id = 'delivery'`), { status: 'error', severity: 'error' });
  const allowed = await collectManifestCity(t, { 'ss/l.json': manifest({ delivery: { allowEmpty: true } }) }, { 'ss/台账_202611.csv': ['证件号码,所属期,金额'] });
  t.equal(await allowed.warehouse.one(`SELECT status FROM check_results WHERE rule_id = 'delivery'`), undefined);
  const all = await collectManifestCity(t, { 'ss/l.json': manifest({ filter: { include: { column: '项目', equals: '养老金' } } }) }, {
    'ss/台账_202611.csv': ['证件号码,所属期,金额,项目', `${A},202611,100,医疗`, `${B},202611,100,医疗`],
  });
  const filter = await all.warehouse.one<{ status: string; message: string }>(`SELECT status, message FROM check_results WHERE rule_id = 'filter'`);
  t.equal(filter!.status, 'warn');
  t.match(filter!.message, '2 of 2 rows left out');
  t.match(filter!.message, 'every row');
});

t.test('a department declares its own layout for a department-defined certificate number', async (t) => {
  const fields = (pattern?: string) => ({
    certificate_number: { column: '证号', ...(pattern ? { pattern } : {}) },
    id_number: { column: '身份证号' }, category: { column: '类别' }, grade: { column: '等级' },
    valid_until: { column: '有效期', formats: ['YYYYMMDD'] }, status: { value: 'valid' },
  });
  const files = { 'd/证_202611.csv': ['证号,身份证号,类别,等级,有效期', `BT2026-000123,${A},4,2,20300101`, `BT2026-000124,${B},1,1,20300101`] };
  const national = await collectManifestCity(t, { 'd/c.json': { department: 'd', dataset: 'c', schema: 'disability-certificate', source: { glob: 'd/证_{YYYYMM}.csv', format: 'csv' }, fields: fields() } }, files);
  t.match(await national.warehouse.one(`SELECT failed_rows FROM check_results WHERE rule_id = 'format:certificate_number'`), { failed_rows: 2 });
  const own = await collectManifestCity(t, { 'd/c.json': { department: 'd', dataset: 'c', schema: 'disability-certificate', source: { glob: 'd/证_{YYYYMM}.csv', format: 'csv' }, fields: fields('^BT\\d{4}-\\d{6}$') } }, files);
  t.equal(await own.warehouse.one(`SELECT 1 FROM check_results WHERE rule_id = 'format:certificate_number'`), undefined);
  t.match(await own.warehouse.one(`SELECT status, failed_rows FROM check_results WHERE rule_id = 'pattern:certificate_number'`), { status: 'pass', failed_rows: 0 });
});

t.test('dates exported as timestamps or with dots, months with dots or slashes', async (t) => {
  const { warehouse } = await collectManifestCity(t, {
    'h/deaths.json': {
      department: 'h', dataset: 'deaths', schema: 'death-record', source: { glob: 'h/d_{YYYYMM}.csv', format: 'csv' },
      fields: { record_number: { column: '编号' }, source_kind: { value: 'medical_certificate' }, id_number: { column: '身份证号' }, death_date: { column: '死亡时间', formats: ['YYYY-MM-DD HH:MM:SS', 'YYYY.M.D', 'YYYYMMDDHHMMSS'] } },
    },
    'ss/p.json': {
      department: 'ss', dataset: 'p', schema: 'pension-payment', source: { glob: 'ss/p_{YYYYMM}.csv', format: 'csv' },
      fields: { id_number: { column: '证件号码' }, pay_month: { column: '所属期', formats: ['YYYY.MM', 'YYYY/MM'] }, amount: { column: '金额' } },
    },
  }, {
    'h/d_202611.csv': ['编号,身份证号,死亡时间', `S1,${A},2026-10-03 14:22:05`, `S2,${B},2026.10.9`, `S3,${C},20261021235959`],
    'ss/p_202611.csv': ['证件号码,所属期,金额', `${A},2026.11,100`, `${B},2026/10,100`],
  });
  t.same(await warehouse.all(`SELECT CAST(death_date AS VARCHAR) AS d FROM death_record ORDER BY _line`), [{ d: '2026-10-03' }, { d: '2026-10-09' }, { d: '2026-10-21' }]);
  t.same(await warehouse.all(`SELECT pay_month FROM pension_payment ORDER BY _line`), [{ pay_month: '2026-11' }, { pay_month: '2026-10' }]);
});
