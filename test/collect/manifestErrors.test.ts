/** A manifest that cannot work is refused at load, with one clear line per problem naming the manifest and the field. */
import t from 'tap';
import { connectorFromManifest, ManifestError } from '../../src/connectors/manifest.js';

const base = {
  department: 'ss', dataset: 'ledger', schema: 'pension-payment',
  source: { glob: 'ss/台账_{YYYYMM}.csv', format: 'csv' },
  fields: { id_number: { column: '证件号码' }, pay_month: { column: '所属期', formats: ['YYYYMM'] }, amount: { column: '金额' } } as Record<string, unknown>,
};

function problems(change: (m: typeof base & Record<string, unknown>) => void): string[] {
  const manifest = structuredClone(base) as typeof base & Record<string, unknown>;
  change(manifest);
  try {
    connectorFromManifest(manifest, 'connectors/ss/ledger.json');
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    t.match(error.message, /^connectors\/ss\/ledger\.json: /, 'the error names the manifest');
    return error.problems;
  }
  return [];
}

t.test('the base manifest loads', async (t) => {
  t.same(problems(() => undefined), []);
});

t.test('an invalid expression names the field and says what is wrong', async (t) => {
  t.match(problems((m) => { m.fields.pay_month = { column: '所属期', extract: '(\\d{4' }; }), [/^\/fields\/pay_month\/extract: "\(\\d\{4" is not a valid regular expression/]);
  t.match(problems((m) => { m.fields.pay_month = { column: '所属期', extract: '^\\d{6}$' }; }), [/^\/fields\/pay_month\/extract: .* has 0 capture groups; it needs exactly 1/]);
  t.match(problems((m) => { m.fields.pay_month = { column: '所属期', extract: '(\\d{6})(?=期)' }; }), [/^\/fields\/pay_month\/extract: .* lookaround, which the engine \(RE2\) does not support/]);
  t.match(problems((m) => { m.fields.name = { template: '{姓}{名' }; }), [/^\/fields\/name\/template: .*unbalanced brace/]);
  t.match(problems((m) => { m.fields.name = { template: '{}x{姓}' }; }), [/^\/fields\/name\/template: .*empty \{\}/]);
  t.match(problems((m) => { m.filter = { include: { column: '项目', matches: '养老[金' } }; }), [/^\/filter\/include\/matches: .*not a valid regular expression/]);
});

t.test('an unknown construct is named, with the ones a field takes', async (t) => {
  t.match(problems((m) => { m.fields.name = { column: '姓名', substring: [1, 2] }; }), [/^\/fields\/name: unknown property "substring" \(a field takes: column, value, template, surrogate/]);
  t.match(problems((m) => { m.fields.name = { column: '姓名', template: '{姓}{名}' }; }), ['/fields/name: give exactly one of column, value, template or surrogate']);
  t.match(problems((m) => { m.fields.name = { column: '姓名', clean: ['half-width'] }; }), [/^\/fields\/name\/clean\/0: must be one of full-width, spaces/]);
  t.match(problems((m) => { m.referencePeriod = 'last'; }), [/^\/referencePeriod/]);
});

t.test('derivations must fit the field they fill', async (t) => {
  t.match(problems((m) => { m.fields.id_number = { column: '证件号码', pattern: '^\\d{17}[0-9X]$' }; }), [/^\/fields\/id_number\/pattern: id_number is a national identifier \(GB 11643\)/]);
  t.match(problems((m) => { m.fields.bank = { column: '银行', pattern: '^.+$' }; }), [/^\/fields\/bank\/pattern: the canonical schema does not mark bank as department-defined/]);
  t.match(problems((m) => { m.fields.amount = { surrogate: 'file-line' }; }), [/^\/fields\/amount\/surrogate: a surrogate key fills a plain text field; amount is number/]);
  t.match(problems((m) => { m.fields.bank = { column: '银行', lookup: { file: 'banks.csv' } }; }), [/^\/fields\/bank\/lookup\/file: lookup file "banks.csv"/]);
  t.match(problems((m) => { m.referencePeriod = { field: 'amount' }; }), ['/referencePeriod/field: "amount" is not a date or month field of "pension-payment"']);
  t.match(problems((m) => { m.delivery = { control: { sums: { bank: '合计' } } }; }), ['/delivery/control/sums/bank: not a mapped amount field of "pension-payment"']);
  t.match(problems((m) => { m.fields.bank = { value: '工行', clean: ['upper'] }; }), ['/fields/bank: a constant "value" takes no clean, slice, extract, lookup or nullTokens']);
});
