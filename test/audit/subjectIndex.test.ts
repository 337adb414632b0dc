import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { AuditLog } from '../../src/audit/auditLog.js';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { ENTRY_SIZE, indexFiles } from '../../src/audit/subjectIndex.js';
import { storeSubjectList } from '../../src/audit/subjectList.js';
import { verifyAuditDir } from '../../src/audit/verifyAudit.js';
import { auditTempDir, entry } from './helpers.js';

const NO_CHECKPOINTS = { checkpoints: false } as const;
/** Few buckets, so many subjects share one and the bucket lists are long. */
const SMALL = { ...NO_CHECKPOINTS, index: { bucketBits: 3 } };

const ID = '110105194912319990';
const FULL_WIDTH = '１１０１０５ １９４９１２３１ ９９９０';

const removeIndex = (dir: string, chain = 'api-1') => Object.values(indexFiles(dir, chain)).forEach((f) => rmSync(f, { force: true }));

/** The chain checks alone, then with the index checks (signing is left out of these tests). */
const verify = async (dir: string, rebuildIndex = false) => ({
  plain: await verifyAuditDir(dir, { checkpoints: false }),
  full: await verifyAuditDir(dir, { checkpoints: false, index: true, rebuildIndex }),
});

t.test('a batch naming the ID with full-width digits and spaces is found by the canonical ID, through the index and without it', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1', SMALL);
  for (let i = 0; i < 30; i++) await log.append(entry(i));
  await log.append({ ...entry(30), action: 'batch', subjects: ['110105194912310037', FULL_WIDTH] });
  const live = await queryAudit(dir, { subject: ID });
  t.same(live.map((r) => r.requestId), ['req-30'], 'found while the writer runs');
  await log.close();
  t.same((await queryAudit(dir, { subject: ID })).map((r) => r.requestId), ['req-30']);
  t.same((await queryAudit(dir, { subject: FULL_WIDTH })).map((r) => r.requestId), ['req-30'], 'the query is canonicalised too');
  removeIndex(dir);
  t.same((await queryAudit(dir, { subject: ID })).map((r) => r.requestId), ['req-30'], 'without an index the chain is read');
});

t.test('an extract\'s subject list: every subject in it finds the extract', async (t) => {
  const dir = auditTempDir(t);
  const members = ['110105194912310021', '11010519491231004X', '110105194912310056'];
  const list = await storeSubjectList(dir, members);
  t.equal(await storeSubjectList(dir, [...members].reverse()), list, 'the same set has the same name');
  const log = await AuditLog.open(dir, 'api-1', SMALL);
  await log.append(entry(0));
  await log.append({ ...entry(1), action: 'extract', subjects: ['population@2026-11', list] });
  await log.append({ ...entry(2), action: 'extract', subjects: ['population@2026-11', list] });
  await log.close();
  for (const member of ['11010519491231004x', ...members]) {
    t.same((await queryAudit(dir, { subject: member })).map((r) => r.requestId), ['req-2', 'req-1'], `member ${member}`);
  }
  t.same(await queryAudit(dir, { subject: '110105194912310064' }), [], 'a subject not in the list');
  removeIndex(dir);
  t.same((await queryAudit(dir, { subject: members[1]! })).map((r) => r.requestId), ['req-2', 'req-1'], 'and by reading the chain');
  const { full } = await verify(dir);
  t.notOk(full.ok, 'a missing index is reported');
  t.match(full.chains[0]!.problems.join(), /subject index: missing/);
});

t.test('the index finds exactly what reading the chain finds (property, many subjects sharing buckets)', async (t) => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 4 }), { minLength: 1, maxLength: 60 }), async (subjectsOf) => {
    const dir = auditTempDir(t);
    const id = (n: number) => `1101051949123100${String(n).padStart(2, '0')}`;
    const log = await AuditLog.open(dir, 'api-1', SMALL);
    for (const [i, subjects] of subjectsOf.entries()) await log.append({ ...entry(i), subjects: subjects.map(id) });
    await log.close();
    const indexed = await Promise.all(Array.from({ length: 13 }, (_, n) => queryAudit(dir, { subject: id(n) })));
    removeIndex(dir);
    const scanned = await Promise.all(Array.from({ length: 13 }, (_, n) => queryAudit(dir, { subject: id(n) })));
    t.same(indexed.map((rs) => rs.map((r) => r.seq)), scanned.map((rs) => rs.map((r) => r.seq)));
    rmSync(dir, { recursive: true, force: true });
  }), { numRuns: 15 });
});

t.test('a record missing from the index is reported by verify, and the index rebuilt', async (t) => {
  const dir = auditTempDir(t);
  const log = await AuditLog.open(dir, 'api-1', { ...NO_CHECKPOINTS, index: {} });
  for (let i = 0; i < 20; i++) await log.append(entry(i));
  await log.close();
  t.same((await verify(dir)).full.chains[0]!.problems, [], 'a sound index');
  const file = indexFiles(dir, 'api-1').entries;
  const bytes = readFileSync(file);
  writeFileSync(file, Buffer.concat([bytes.subarray(0, 7 * ENTRY_SIZE), bytes.subarray(8 * ENTRY_SIZE)]));
  const { plain, full } = await verify(dir);
  t.ok(plain.ok, 'the chain itself is sound');
  t.notOk(full.ok);
  t.match(full.chains[0]!.problems.join(), /record seq 8 is missing from the index/);
  const rebuilt = await verify(dir, true);
  t.ok(rebuilt.full.ok, rebuilt.full.chains[0]!.problems.join());
  t.ok(rebuilt.full.chains[0]!.indexRebuilt);
  t.same((await queryAudit(dir, { subject: entry(7).subjects[0]! })).map((r) => r.requestId), ['req-7']);
});

t.test('opening a chain whose index is gone builds it again from the chain', async (t) => {
  const dir = auditTempDir(t);
  let log = await AuditLog.open(dir, 'api-1', NO_CHECKPOINTS);
  for (let i = 0; i < 10; i++) await log.append(entry(i));
  await log.close();
  removeIndex(dir);
  log = await AuditLog.open(dir, 'api-1', NO_CHECKPOINTS);
  await log.append(entry(10));
  await log.close();
  const { full } = await verify(dir);
  t.same(full.chains[0]!.problems, []);
  t.same((await queryAudit(dir, { subject: entry(3).subjects[0]! })).map((r) => r.requestId), ['req-3']);
  t.equal(readFileSync(join(dir, 'index', 'api-1.seqs')).length, 11 * 44);
});

t.test('a register-sized subject list is indexed in slices and verifies', async (t) => {
  const dir = auditTempDir(t);
  const members = Array.from({ length: 45_000 }, (_, i) => `1101051950${String(i).padStart(8, '0')}`);
  const list = await storeSubjectList(dir, members);
  const log = await AuditLog.open(dir, 'api-1', NO_CHECKPOINTS);
  await log.append({ ...entry(0), subjects: [members[5]!] });
  await log.append({ ...entry(1), action: 'extract', subjects: ['population@2026-11', list] });
  await log.append({ ...entry(2), subjects: [members[44_999]!] });
  await log.close();
  t.same((await queryAudit(dir, { subject: members[44_999]! })).map((r) => r.requestId), ['req-2', 'req-1']);
  t.same((await queryAudit(dir, { subject: members[5]! })).map((r) => r.requestId), ['req-1', 'req-0']);
  const { full } = await verify(dir);
  t.same(full.chains[0]!.problems, []);
});
