/** dx connectors draft proposes a manifest from a file; dx connectors check tries one on a sample. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runDx } from '../helpers/cli.js';
import { writeDropFile } from '../helpers/dropFolder.js';
import { validId } from '../helpers/manifestCity.js';
import { tempDir } from '../helpers/warehouse.js';

const A = validId(1);
const B = validId(2);

t.test('draft, finish, check: a semicolon GBK roll with its own labels and date layout', async (t) => {
  const dir = tempDir(t);
  const sample = writeDropFile(dir, '人口花名册_2026-11.txt', [
    '身份证号;姓名;性别;出生日期;人员状态;联系电话',
    `${A};王芳;女;1950年1月1日;正常;13800000000`,
    `${B};李强;男;1950年1月1日;失踪;13900000000`,
  ], { encoding: 'gbk', eol: '\r\n' });
  const drafted = await runDx(['connectors', 'draft', sample]);
  t.equal(drafted.code, 0, drafted.stderr);
  const draft = JSON.parse(drafted.stdout) as { schema: string; source: Record<string, string>; fields: Record<string, { column: string; formats?: string[]; codes?: Record<string, string> }> };
  t.equal(draft.schema, 'household-register-person');
  t.same(draft.source, { glob: '人口花名册_{YYYY-MM}.txt', format: 'csv', encoding: 'gb18030', delimiter: ';' });
  t.same(draft.fields.birth_date, { column: '出生日期', formats: ['YYYY年M月D日'] });
  t.same(draft.fields.status!.codes, { 正常: 'normal', 失踪: '' }, 'a label without a code is left for the steward');
  t.match(drafted.stderr, 'labels seen without a code: 失踪');
  t.match(drafted.stderr, 'columns left unmapped: 联系电话');

  // The steward finishes the draft: the unknown label stays unmapped, so its row is quarantined.
  delete draft.fields.status!.codes!['失踪'];
  const manifest = join(dir, 'roll.json');
  writeFileSync(manifest, JSON.stringify({ ...draft, department: 'guyang-police', dataset: 'roll' }));
  const checked = await runDx(['connectors', 'check', manifest, sample]);
  t.equal(checked.code, 1, 'a row that would be quarantined is a problem');
  t.match(checked.stdout, 'unmapped columns: 联系电话');
  t.match(checked.stdout, 'rows read 2 = loaded 1 + quarantined 1 + filtered 0');
  t.match(checked.stdout, 'status: "失踪" (人员状态) is not one of the labels 正常');
  t.match(checked.stdout, A);

  const clean = writeDropFile(dir, '人口花名册_2026-12.txt', ['身份证号;姓名;性别;出生日期;人员状态;联系电话', `${A};王芳;女;1950年1月1日;正常;1`], { encoding: 'gbk' });
  const ok = await runDx(['connectors', 'check', manifest, clean, '--format', 'json']);
  t.equal(ok.code, 0, ok.stdout);
  const result = JSON.parse(ok.stdout) as { period: string; problems: string[]; rows: Array<Record<string, string>> };
  t.equal(result.period, '2026-12', 'the period comes from the file name');
  t.same(result.problems, []);
  t.match(result.rows[0], { id_number: A, birth_date: '1950-01-01', status: 'normal' });
});

t.test('dx connectors check names every problem of a broken manifest, and a file it cannot read', async (t) => {
  const dir = tempDir(t);
  const manifest = join(dir, 'bad.json');
  writeFileSync(manifest, JSON.stringify({ department: 'x', dataset: 'y', schema: 'pension-payment', source: { glob: 'a.csv', format: 'csv' }, fields: { id_number: { column: 'a', substr: 1 }, pay_month: { column: 'b', extract: '(' }, amount: { column: 'c' } } }));
  const broken = await runDx(['connectors', 'check', manifest, manifest]);
  t.equal(broken.code, 1);
  t.match(broken.stderr, '/fields/id_number: unknown property "substr"');
  const good = join(dir, 'good.json');
  writeFileSync(good, readFileSync(manifest, 'utf8').replace(',"substr":1', '').replace(',"extract":"("', ''));
  const sample = writeDropFile(dir, 'a.csv', ['x;y;z', '1;2;3']);
  const unreadable = await runDx(['connectors', 'check', good, sample]);
  t.equal(unreadable.code, 1);
  t.match(unreadable.stdout, /a\.csv line 1: mapped columns "a" \(for id_number\), "b" \(for pay_month\), "c" \(for amount\) not in the header/);
});
