/** Records without their ID number linked to a register: unambiguous links only, each with its waterfall of weights. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseLinkageConfig } from '../../src/link/linkageConfig.js';
import { linkToRegister } from '../../src/link/registerLinks.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { linkTestCsv, linkTestRecords } from '../helpers/linkRecords.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('unresolved records are linked to the register when the link is clear, with the weights that made it', async (t) => {
  const dir = tempDir(t);
  const records = linkTestRecords(20261205, 600);
  const register = records.filter((r) => r.record_id.endsWith('r0'));
  const unresolved = records.filter((r) => r.record_id.endsWith('r1')).map((r) => ({ ...r, 身份证号: '' }));
  writeFileSync(join(dir, 'register.csv'), linkTestCsv(register));
  writeFileSync(join(dir, 'unresolved.csv'), linkTestCsv(unresolved));
  const config = parseLinkageConfig(JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'linkage', 'persons-zh.json'), 'utf8')));
  const result = await linkToRegister(config, join(dir, 'unresolved.csv'), join(dir, 'register.csv'));
  const person = (id: string) => id.split('r')[0];
  const wrong = result.links.filter((l) => person(l.recordId) !== person(l.registerId));
  t.comment(`${result.links.length} of ${unresolved.length} linked, ${wrong.length} wrongly, ${result.ambiguous.length} ambiguous`);
  t.ok(result.links.length >= unresolved.length * 0.95, 'nearly every record without its number is linked');
  t.ok(wrong.length <= result.links.length * 0.005, 'and almost never to the wrong person');
  t.ok(result.links.every((l) => l.matchProbability >= config.threshold), 'only links above the threshold');
  const link = result.links[0]!;
  t.equal(link.waterfall[0]!.comparison, 'prior');
  t.same(link.waterfall.slice(1).map((s) => s.comparison), ['name_surname', 'name_given', 'birth_date', 'id_number', 'sex', 'address']);
  t.equal(link.waterfall.find((s) => s.comparison === 'id_number')!.gamma, -1, 'the missing ID number counts for nothing');
  t.ok(new Set(result.links.map((l) => l.recordId)).size === result.links.length, 'one register person per record');
});
