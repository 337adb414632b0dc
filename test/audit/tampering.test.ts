/**
 * An insider who can write the data folder, but holds neither the signing key nor the witness:
 * every way of rewriting the audit trail that issue 16 lists is found by verification.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { AuditCorruptError, AuditLog } from '../../src/audit/auditLog.js';
import { sealRecordLine, type AuditEntry, type AuditRecord } from '../../src/audit/auditRecord.js';
import type { CheckpointOptions } from '../../src/audit/checkpointer.js';
import { verifyAuditDir, type AuditVerification } from '../../src/audit/verifyAudit.js';
import { auditTempDir, entry } from './helpers.js';

interface Setup {
  audit: string;
  keys: string;
  witness: string;
  options: CheckpointOptions;
}

function setup(t: Test): Setup {
  const root = auditTempDir(t);
  const keys = join(root, 'keys');
  const witness = join(root, 'witness');
  return { audit: join(root, 'data', 'audit'), keys, witness, options: { keyDir: keys, witnesses: [witness], everyRecords: 4, everyMs: 60_000 } };
}

async function writeChain(s: Setup, chain: string, count: number, first = 0): Promise<void> {
  const log = await AuditLog.open(s.audit, chain, { checkpoints: s.options });
  for (let i = first; i < first + count; i++) await log.append(entry(i));
  await log.close();
}

const verify = (s: Setup, witnesses = [s.witness]): Promise<AuditVerification> => verifyAuditDir(s.audit, { witnesses, publicKeys: [s.keys] });

const chainFile = (s: Setup, chain = 'api-1') => join(s.audit, `${chain}.log`);
const readRecords = (file: string): AuditRecord[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (file: string, text: string[]) => writeFileSync(file, text.map((l) => `${l}\n`).join(''));

function entryOf(record: AuditRecord): AuditEntry {
  const { chain: _c, seq: _s, prevHash: _p, hash: _h, ...rest } = record;
  return rest;
}

/** What an insider does to hide records: seal them again, numbered and linked from the start. */
function rehash(records: AuditRecord[], chain: string): string[] {
  let prev = '0'.repeat(64);
  return records.map((r, i) => {
    const { record, line } = sealRecordLine(entryOf(r), chain, i + 1, prev);
    prev = record.hash;
    return line.trimEnd();
  });
}

function brokenChains(result: AuditVerification): string[] {
  return result.chains.filter((c) => !c.ok).map((c) => c.chain);
}

const problemsOf = (result: AuditVerification, chain = 'api-1'): string => {
  const c = result.chains.find((x) => x.chain === chain);
  return [c?.firstBad?.problem ?? '', ...(c?.problems ?? [])].join(' | ');
};

t.test('an untouched chain verifies, with its checkpoints signed and witnessed', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  const result = await verify(s);
  t.ok(result.ok, problemsOf(result));
  t.equal(result.chains[0]!.unsigned, 0);
  t.ok(result.chains[0]!.checkpoints! >= 3, 'every 4 records and at close');
  t.ok(existsSync(join(s.witness, 'api-1.checkpoints')));
});

t.test('a changed record is found', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  const text = lines(chainFile(s));
  text[3] = text[3]!.replace('"status":200', '"status":201').replace('"status":403', '"status":404');
  writeLines(chainFile(s), text);
  t.same(brokenChains(await verify(s)), ['api-1']);
});

t.test('a deleted record is found', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  const text = lines(chainFile(s));
  text.splice(4, 1);
  writeLines(chainFile(s), text);
  t.same(brokenChains(await verify(s)), ['api-1']);
});

t.test('swapped records are found', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  const text = lines(chainFile(s));
  [text[2], text[6]] = [text[6]!, text[2]!];
  writeLines(chainFile(s), text);
  t.same(brokenChains(await verify(s)), ['api-1']);
});

t.test('a forged record appended with a recomputed hash is found, and the writer refuses to continue the chain', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  const last = readRecords(chainFile(s)).at(-1)!;
  const forged = sealRecordLine({ ...entry(99), subjects: ['110105194912310021'] }, 'api-1', last.seq + 1, last.hash);
  appendFileSync(chainFile(s), forged.line);
  const result = await verify(s);
  t.same(brokenChains(result), ['api-1']);
  t.match(problemsOf(result), /appended by someone else/);
  await t.rejects(AuditLog.open(s.audit, 'api-1', { checkpoints: s.options }), AuditCorruptError);
});

t.test('one client\'s records removed and the chain renumbered and rehashed is found, even with the local checkpoint log deleted', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 12);
  const kept = readRecords(chainFile(s)).filter((r) => r.client !== 'client-1');
  writeLines(chainFile(s), rehash(kept, 'api-1'));
  const alone = await verifyAuditDir(s.audit, { checkpoints: false });
  t.ok(alone.ok, 'the hash chain on its own is sound again: that is the attack');
  t.same(brokenChains(await verify(s)), ['api-1'], 'the signed checkpoints do not match');
  rmSync(join(s.audit, 'api-1.checkpoints'));
  const result = await verify(s);
  t.same(brokenChains(result), ['api-1'], 'the witness still holds them');
  t.same(brokenChains(await verify(s, [])), ['api-1'], 'without a witness: no checkpoint signs the records');
});

t.test('a tail cut at a record boundary is found', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 10);
  writeLines(chainFile(s), lines(chainFile(s)).slice(0, 7));
  const result = await verify(s);
  t.same(brokenChains(result), ['api-1']);
  t.match(problemsOf(result), /ends at seq 7/);
  await t.rejects(AuditLog.open(s.audit, 'api-1', { checkpoints: s.options }), AuditCorruptError);
});

t.test('a deleted chain file is found, named by its checkpoints here or at the witness', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 6);
  await writeChain(s, 'api-2', 6, 6);
  rmSync(chainFile(s, 'api-2'));
  const result = await verify(s);
  t.same(brokenChains(result), ['api-2']);
  t.match(problemsOf(result, 'api-2'), /missing/);
  rmSync(join(s.audit, 'api-2.checkpoints'));
  t.same(brokenChains(await verify(s)), ['api-2'], 'the witness names it');
});

t.test('a checkpoint re-signed with another key, or changed, fails its signature', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 6);
  const file = join(s.audit, 'api-1.checkpoints');
  const text = lines(file);
  const changed = JSON.parse(text[0]!) as Record<string, unknown>;
  changed.seq = 3;
  text[0] = JSON.stringify(changed);
  writeLines(file, text);
  const result = await verify(s);
  t.same(brokenChains(result), ['api-1']);
  t.match(problemsOf(result), /signature does not match/);
});

t.test('a writer that crashed leaves records unsigned; opening the chain again signs them', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 3);
  const last = readRecords(chainFile(s)).at(-1)!;
  // What a crash between a write and its checkpoint leaves: records after the last (closing) checkpoint,
  // so the closing checkpoint is removed to play the crash.
  const log = lines(join(s.audit, 'api-1.checkpoints')).slice(0, -1);
  writeLines(join(s.audit, 'api-1.checkpoints'), log);
  writeLines(join(s.witness, 'api-1.checkpoints'), log);
  appendFileSync(chainFile(s), sealRecordLine(entry(3), 'api-1', last.seq + 1, last.hash).line);
  t.match(problemsOf(await verify(s)), /signed by no checkpoint/);
  await writeChain(s, 'api-1', 2, 4);
  const result = await verify(s);
  t.ok(result.ok, problemsOf(result));
  t.equal(result.chains[0]!.records, 6);
});

t.test('a chain opened and closed without records verifies; one whose records were all cut does not', async (t) => {
  const s = setup(t);
  await writeChain(s, 'api-1', 0);
  const empty = await verify(s);
  t.ok(empty.ok, problemsOf(empty));
  await writeChain(s, 'api-2', 3);
  writeFileSync(chainFile(s, 'api-2'), '');
  t.same(brokenChains(await verify(s)), ['api-2']);
});
