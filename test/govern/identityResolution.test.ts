/**
 * Precision first: an invalid ID number is linked only when exactly one known person one
 * keystroke away has the same name (spacing, dots and traditional characters aside) and the
 * birth date and sex the number encodes.
 */
import t from 'tap';
import { loadConnectorSet, type ConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import { HOUSEHOLD_HEADER, householdRow, writeDropFile } from '../helpers/dropFolder.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const withCheck = (first17: string) => first17 + residentIdCheckCharacter(first17);
/** The same number with the character at `position` (1-based) replaced. */
const substitute = (id: string, position: number, ch: string) => id.slice(0, position - 1) + ch + id.slice(position);
const otherCheck = (id: string) => substitute(id, 18, id[17] === '0' ? '1' : '0');

// Two namesakes whose numbers differ only in the sequence digit (and so the check character).
const twinA = withCheck('15020319800101001');
const twinB = withCheck('15020319800101003');
const ambiguous = twinA.slice(0, 17) + twinB[17]; // one substitution from each (if the check characters differ)
const chen = withCheck('15020419700202002');
const wang = withCheck('15020519600303004');
const ma = withCheck('15020619550404001');

function only(ids: string[]): ConnectorSet {
  const all = loadConnectorSet();
  return { connectors: all.connectors.filter((c) => ids.includes(c.id)), broken: [] };
}

t.test('identity resolution links only what exactly one person fits', async (t) => {
  t.not(twinA[17], twinB[17], 'the namesakes\' check characters differ, so the typo is one keystroke from both');
  const drop = tempDir(t);
  writeDropFile(drop, 'police/户籍人口_202611.csv', [
    HOUSEHOLD_HEADER,
    householdRow(twinA, '张伟'),
    householdRow(twinB, '张伟'),
    householdRow(chen, '陈静', { sex: '女' }),
    householdRow(wang, '王方', { sex: '女' }),
    householdRow(ma, '马·阿不都', {}),
  ], { encoding: 'gb18030' });
  const recipients = [
    [ambiguous, '张伟'], // two namesakes fit: stays unresolved
    [otherCheck(chen), '陳 静'], // traditional character and a stray space: repaired
    [otherCheck(wang), '王芳'], // one candidate, another name: unresolved
    [substitute(ma, 16, ma[15] === '9' ? '8' : '9'), '马.阿不都'], // middle dot typed as "."
  ];
  writeDropFile(drop, 'social-security/养老金领取人员_202611.csv', [
    '社会保障号码,姓名,养老保险类型,领取起始年月,月养老金,发放状态',
    ...recipients.map(([id, name]) => `${id},${name},企业职工,2015-01,3000,正常发放`),
  ]);
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, only(['police/household-register', 'social-security/pension-recipient']), { period: '2026-11', source: drop, until: 'govern' });
  const rows = await warehouse.all<{ line: number; status: string; repaired_id: string | null; evidence: string; candidate_ids: string[] }>(
    `SELECT line, status, repaired_id, evidence, candidate_ids FROM id_resolutions WHERE period = '2026-11' ORDER BY line`);
  const byLine = new Map(rows.map((r) => [r.line, r]));
  t.match(byLine.get(2), { status: 'unresolved', repaired_id: null, evidence: /2 candidates fit: ambiguous/ });
  t.same(byLine.get(2)!.candidate_ids, [twinA, twinB].sort());
  t.match(byLine.get(3), { status: 'repaired', repaired_id: chen, evidence: /substitution at position 18; name 陈静 agrees/ });
  t.match(byLine.get(4), { status: 'unresolved', repaired_id: null, evidence: /1 candidate\(s\) one keystroke away, none with this name/ });
  t.match(byLine.get(5), { status: 'repaired', repaired_id: ma }, 'the middle dot typed as "." is the same name');
  const pensioners = await warehouse.all<{ id_number: string; pension_status: string | null }>(
    `SELECT id_number, pension_status FROM population_view WHERE period = '2026-11' ORDER BY id_number`);
  t.equal(pensioners.length, 5, 'the five persons, once each');
  t.equal(pensioners.find((p) => p.id_number === chen)!.pension_status, 'active', 'the repaired record reaches the right person');
  t.equal(pensioners.find((p) => p.id_number === wang)!.pension_status, null, 'the unresolved one reaches nobody');
  t.equal(pensioners.find((p) => p.id_number === twinA)!.pension_status, null);
});
