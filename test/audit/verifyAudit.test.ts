import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { AuditLog } from '../../src/audit/auditLog.js';
import { verifyAuditDir, verifyChainFile } from '../../src/audit/verifyAudit.js';
import { auditTempDir, entry } from './helpers.js';

const RECORDS = 6;

async function smallLog(dir: string, chain = 'api-1', count = RECORDS): Promise<string[]> {
  const log = await AuditLog.open(dir, chain);
  for (let i = 0; i < count; i++) await log.append(entry(i));
  await log.close();
  return readFileSync(join(dir, `${chain}.log`), 'utf8').split('\n').slice(0, -1);
}

const asText = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/** A value of the same kind that is certainly different: hashes stay 64 hex digits, so the hash check itself is what catches them. */
function changed(value: unknown): unknown {
  if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return (value[0] === 'a' ? 'b' : 'a') + value.slice(1);
  if (typeof value === 'string') return `${value}x`;
  if (typeof value === 'number') return value + 1;
  if (Array.isArray(value)) return [...(value as unknown[]), 'x'];
  return value === null ? 'x' : null;
}

type Tamper =
  | { op: 'change'; index: number; field: number }
  | { op: 'delete'; index: number }
  | { op: 'swap'; index: number; other: number }
  | { op: 'truncate'; cut: number };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ op: fc.constant('change' as const), index: fc.nat(RECORDS - 1), field: fc.nat(100) }),
  // Deleting the last record leaves a shorter chain that is sound; see the test of the head below.
  fc.record({ op: fc.constant('delete' as const), index: fc.nat(RECORDS - 2) }),
  fc.record({ op: fc.constant('swap' as const), index: fc.nat(RECORDS - 2), other: fc.nat(RECORDS - 1) }).filter((s) => s.other > s.index),
  fc.record({ op: fc.constant('truncate' as const), cut: fc.nat(10_000) }),
);

/** The tampered lines (the text may end without a newline) and the line verification must name. */
function apply(lines: string[], change: Tamper): { text: string; line: number } {
  const copy = [...lines];
  switch (change.op) {
    case 'change': {
      const record = JSON.parse(copy[change.index]!) as Record<string, unknown>;
      const keys = Object.keys(record);
      const key = keys[change.field % keys.length]!;
      copy[change.index] = JSON.stringify({ ...record, [key]: changed(record[key]) });
      return { text: asText(copy), line: change.index + 1 };
    }
    case 'delete':
      copy.splice(change.index, 1);
      return { text: asText(copy), line: change.index + 1 };
    case 'swap':
      [copy[change.index], copy[change.other]] = [copy[change.other]!, copy[change.index]!];
      return { text: asText(copy), line: change.index + 1 };
    case 'truncate': {
      // Cut between 1 byte (the newline) and all of the last line but its first character.
      const text = asText(copy);
      const cut = 1 + (change.cut % copy[copy.length - 1]!.length);
      return { text: text.slice(0, text.length - cut), line: copy.length };
    }
  }
}

t.test('any change, deletion, swap or truncation is found at the right line', async (t) => {
  const dir = auditTempDir(t);
  const lines = await smallLog(dir);
  const file = join(dir, 'api-1.log');
  t.ok((await verifyChainFile(file)).ok, 'the untouched log verifies');
  await fc.assert(
    fc.asyncProperty(tamper, async (change) => {
      const { text, line } = apply(lines, change);
      writeFileSync(file, text);
      const result = await verifyChainFile(file);
      return !result.ok && result.firstBad?.line === line;
    }),
    { numRuns: 150 },
  );
});

t.test('the problems are said in plain words', async (t) => {
  const dir = auditTempDir(t);
  const lines = await smallLog(dir);
  const file = join(dir, 'api-1.log');
  const check = async (change: Tamper) => {
    writeFileSync(file, apply(lines, change).text);
    return (await verifyChainFile(file)).firstBad;
  };
  t.match(await check({ op: 'change', index: 2, field: 4 }), { line: 3, problem: /record changed/ });
  t.match(await check({ op: 'delete', index: 1 }), { line: 2, seq: 3, problem: /seq 3 where 2 was due: record 2 is missing here \(deleted or moved\)/ });
  t.match(await check({ op: 'swap', index: 1, other: 4 }), { line: 2, seq: 5, problem: /records 2 to 4 are missing here/ });
  t.match(await check({ op: 'swap', index: 0, other: 1 }), { line: 1, seq: 2 });
  writeFileSync(file, asText([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]));
  t.match((await verifyChainFile(file)).firstBad, { line: 2, seq: 3 });
  writeFileSync(file, asText([lines[0]!, lines[1]!, lines[1]!, ...lines.slice(2)]));
  t.match((await verifyChainFile(file)).firstBad, { line: 3, seq: 2, problem: /out of order \(swapped, moved or duplicated\)/ });
  t.match(await check({ op: 'truncate', cut: 30 }), { line: 6, seq: 6, problem: /truncated/ });
  writeFileSync(file, asText([...lines.slice(0, 3), '{"seq":4,"hash":"garbage"', ...lines.slice(4)]));
  t.match((await verifyChainFile(file)).firstBad, { line: 4, seq: 4, problem: /garbled/ });
});

t.test('a record moved from another chain is caught', async (t) => {
  const dir = auditTempDir(t);
  const one = await smallLog(dir, 'api-1');
  await smallLog(dir, 'api-2');
  writeFileSync(join(dir, 'api-2.log'), asText(one));
  const result = await verifyAuditDir(dir);
  t.notOk(result.ok);
  t.match(result.chains, [{ chain: 'api-1', ok: true, records: RECORDS }, { chain: 'api-2', ok: false, firstBad: { line: 1, problem: /belongs to chain "api-1"/ } }]);
});

t.test('removing the last record leaves a sound but shorter chain: only a head kept elsewhere shows it', async (t) => {
  const dir = auditTempDir(t);
  const lines = await smallLog(dir);
  const before = await verifyChainFile(join(dir, 'api-1.log'));
  writeFileSync(join(dir, 'api-1.log'), asText(lines.slice(0, -1)));
  const after = await verifyChainFile(join(dir, 'api-1.log'));
  t.ok(after.ok);
  t.equal(after.head?.seq, RECORDS - 1);
  t.not(after.head?.hash, before.head?.hash, 'the head differs from the one written down before');
});

t.test('an empty or missing audit directory has no chains', async (t) => {
  const dir = auditTempDir(t);
  t.same(await verifyAuditDir(dir), { ok: true, chains: [] });
  t.same(await verifyAuditDir(join(dir, 'nowhere')), { ok: true, chains: [] });
});
