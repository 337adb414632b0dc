import t from 'tap';
import fc from 'fast-check';
import { canonicalJson, entryProblem, GENESIS_HASH, hashOf, parseRecordLine, sealRecord, sealRecordLine, sha256hex } from '../../src/audit/auditRecord.js';
import { entry } from './helpers.js';

t.test('canonical JSON sorts keys at every depth and drops undefined members', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } }), '{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}');
  t.equal(canonicalJson({ a: undefined, b: 'é"\n' }), '{"b":"é\\"\\n"}');
  t.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }), 'field order does not matter');
});

t.test('a sealed record carries the hash of the previous hash and its own canonical form', async (t) => {
  const first = sealRecord(entry(0), 'api-1', 1, GENESIS_HASH);
  t.equal(first.prevHash, '0'.repeat(64));
  const { hash, ...rest } = first;
  t.equal(hash, sha256hex(`${GENESIS_HASH}\n${canonicalJson(rest)}`));
  const second = sealRecord(entry(1), 'api-1', 2, first.hash);
  t.equal(hashOf(second), second.hash);
  t.notOk('reason' in first, 'no reason, no reason field');
  t.equal(sealRecord(entry(2), 'api-1', 3, second.hash).reason, 'purpose not granted');
  t.same(parseRecordLine(JSON.stringify(second)), { record: second });
  t.match(parseRecordLine(JSON.stringify({ ...second, status: 201 })), { problem: /does not match its hash/ });
  t.match(parseRecordLine('{"seq":1'), { problem: /not valid JSON/ });
});

t.test('extra properties a caller passes along are not logged', async (t) => {
  const record = sealRecord({ ...entry(0), token: 'secret' } as ReturnType<typeof entry>, 'api-1', 1, GENESIS_HASH);
  t.notOk('token' in record);
});

t.test('malformed entries are named', async (t) => {
  t.equal(entryProblem(entry(0)), null);
  t.match(entryProblem({ ...entry(0), outcome: 'maybe' }), /"outcome"/);
  t.match(entryProblem({ ...entry(0), time: 'yesterday' }), /"time"/);
  t.match(entryProblem({ ...entry(0), subjects: [1] }), /"subjects"/);
  t.match(entryProblem(null), /not a JSON object/);
});

t.test('the written-out canonical form of a record is byte for byte canonicalJson', async (t) => {
  // Values that spell the members the hash is spliced between must not move it.
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(',"outcome":', '","outcome":"allowed', '"hash":"', ',"fields":[]'));
  const entries = fc.record({
    time: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    requestId: text, client: fc.option(text, { nil: null }), department: fc.option(text, { nil: null }), purpose: fc.option(text, { nil: null }),
    resource: text, action: text, subjects: fc.array(text, { maxLength: 4 }), fields: fc.array(text, { maxLength: 4 }),
    outcome: fc.constantFrom('allowed' as const, 'denied' as const, 'error' as const), status: fc.integer({ min: 100, max: 599 }),
    reason: fc.option(text, { nil: undefined }),
    legalBasis: fc.option(text, { nil: undefined }), initiator: fc.option(text, { nil: undefined }),
    subjectsSent: fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }),
  }, { requiredKeys: ['time', 'requestId', 'client', 'department', 'purpose', 'resource', 'action', 'subjects', 'fields', 'outcome', 'status'] });
  // A frozen list (a grant's fields) is written once and then reused: every later record still gets its own JSON.
  const frozen = fc.array(fc.array(text, { maxLength: 4 }).map((list) => Object.freeze(list)), { minLength: 1, maxLength: 3 });
  fc.assert(fc.property(entries, fc.integer({ min: 1, max: 2 ** 40 }), frozen, fc.nat(), (e, seq, lists, pick) => {
    return [e, { ...e, fields: lists[pick % lists.length]! }, { ...e, subjects: lists[(pick + 1) % lists.length]! }].every((entry) => {
      const { record, line } = sealRecordLine(entry, 'api-1', seq, GENESIS_HASH);
      const { hash, ...rest } = record;
      return line === `${canonicalJson(record)}\n` && hash === sha256hex(`${GENESIS_HASH}\n${canonicalJson(rest)}`) && hashOf(record) === hash;
    });
  }), { numRuns: 500 });
});
