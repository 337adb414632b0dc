/**
 * The person's access log and the auditors' search on the real app: every lookup, batch and
 * extract that contained the person, each with an inclusion proof that verifies with the public
 * key alone; covert accesses hidden from the person until their date, never from auditors; audit
 * filters refused with 400 when malformed, and paged with a cursor.
 */
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import t from 'tap';
import type { Access } from '../../src/audit/accessLog.js';
import { readPublicKeys } from '../../src/audit/checkpointKey.js';
import { inclusionProblem } from '../../src/audit/inclusionProof.js';
import type { AuditRecord } from '../../src/audit/auditRecord.js';
import { AccessStore } from '../../src/share/accessStore.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

/**
 * The app as the tests use it, with the overload guard's load shedding waited out: on a busy
 * machine the first requests after start can block the event loop past the guard's sampling
 * window, and it then answers 503 "overloaded" (documented load shedding) for a moment.
 */
function settled(app: FastifyInstance): FastifyInstance['inject'] {
  return (async (options: InjectOptions) => {
    for (let attempt = 0; ; attempt++) {
      const answer = await app.inject(options);
      if (answer.statusCode !== 503 || !answer.body.includes('"overloaded"') || attempt === 50) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }) as FastifyInstance['inject'];
}

const fullWidth = (id: string) => [...id].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('').replace(/^(.{6})/, '$1 ');

t.test('a person\'s access log: lookups, batches and extracts that contained them, proofs, covert accesses', async (t) => {
  const previous = process.env.DX_AUDIT_CHECKPOINT_RECORDS;
  process.env.DX_AUDIT_CHECKPOINT_RECORDS = '1';
  t.teardown(() => {
    if (previous === undefined) delete process.env.DX_AUDIT_CHECKPOINT_RECORDS;
    else process.env.DX_AUDIT_CHECKPOINT_RECORDS = previous;
  });
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  const police = await client(dataDir, 'police-investigations', 'police');
  const citizen = await client(dataDir, 'citizen-portal', 'data-office');
  const auditor = await client(dataDir, 'city-auditor', 'audit-office', ['auditor']);
  await grant(dataDir, clerk.id, 'population', { name: 'full', id_number: 'masked' });
  const covertGrant = await grant(dataDir, police.id, 'population', { name: 'full' }, ['criminal investigation']);
  await grant(dataDir, citizen.id, 'access-log', { time: 'full', client: 'full', department: 'full', purpose: 'full' }, ['own access log']);
  const markCovert = (until: string, access = new AccessStore(join(dataDir, 'access'))) => access.update((state) => {
    Object.assign(state.grants.find((g) => g.id === covertGrant)!, { covert: { until, reason: 'investigation 2026-117', since: '2000-01-01T00:00:00Z' } });
  });
  await markCovert(new Date(Date.now() + 30 * 86_400_000).toISOString());

  const app = await exchange(t, dataDir);
  const inject = settled(app);
  const persons = [...app.snapshots.current()!.persons.keys()];
  const person = persons[3]!;
  const other = persons[4]!;
  const purpose = '?purpose=benefit%20review';
  t.equal((await inject({ url: `/v1/persons/${person}${purpose}`, headers: clerk.headers })).statusCode, 200);
  const batch = await inject({ method: 'POST', url: '/v1/persons/batch', headers: clerk.headers, payload: { ids: [other, fullWidth(person)], purpose: 'benefit review' } });
  t.equal(batch.statusCode, 200);
  const extract = await inject({ url: `/v1/extracts/population${purpose}&format=csv`, headers: clerk.headers });
  t.equal(extract.statusCode, 200);
  t.equal((await inject({ url: `/v1/persons/${person}?purpose=criminal%20investigation`, headers: police.headers })).statusCode, 200);

  const log = async (): Promise<Access[]> => {
    const answer = await inject({ url: `/v1/persons/${person}/access-log?purpose=own%20access%20log`, headers: citizen.headers });
    t.equal(answer.statusCode, 200, answer.body);
    return answer.json().accesses as Access[];
  };
  // Checkpoints are written just after the records they sign: wait for the last one to land.
  let accesses = await log();
  for (let i = 0; i < 100 && accesses.some((a) => a.proof === null); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    accesses = await log();
  }
  t.same(accesses.map((a) => a.action).sort(), ['batch', 'extract', 'lookup'], 'the lookup, the batch naming the ID in full-width digits, the extract; not the covert lookup');
  t.ok(accesses.every((a) => a.client === clerk.id && a.purpose === 'benefit review'));
  t.ok(accesses.find((a) => a.action === 'lookup')!.content, 'a record about the person alone is given whole');
  t.notOk(accesses.find((a) => a.action === 'batch')!.content, 'a batch naming others is not');

  const keys = readPublicKeys([join(dataDir, 'audit', 'keys')]);
  for (const a of accesses) t.equal(inclusionProblem(a.content ?? a.record, a.proof!, keys), null, `the ${a.action}'s proof verifies`);
  const lookup = accesses.find((a) => a.action === 'lookup')!;
  const changed = { ...lookup.content!, purpose: 'something else' } as AuditRecord;
  t.match(inclusionProblem(changed, lookup.proof!, keys), /content does not have its hash/, 'a changed record does not verify');
  t.match(inclusionProblem({ ...changed, hash: lookup.record.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, { ...lookup.proof!, checkpoint: lookup.proof!.checkpoint }, keys), /./, 'nor one with another hash');

  const audited = await inject({ url: `/v1/audit?subject=${person}&outcome=allowed`, headers: auditor.headers });
  t.equal(audited.statusCode, 200);
  const seen = (audited.json().records as AuditRecord[]).filter((r) => r.resource === 'population');
  t.ok(seen.some((r) => r.client === police.id), 'auditors see the covert lookup');

  // Through the app's own store, which would otherwise see another writer's change only after a while.
  await markCovert(new Date(Date.now() - 1000).toISOString(), app.access);
  const after = await log();
  t.ok(after.some((a) => a.client === police.id && a.purpose === 'criminal investigation'), 'after its date the covert lookup is shown');
});

t.test('audit queries: malformed filters are 400 with the one error shape, pages follow a cursor', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const auditor = await client(dataDir, 'city-auditor', 'audit-office', ['auditor']);
  const app = await exchange(t, dataDir);
  const inject = settled(app);
  for (let i = 0; i < 7; i++) await inject({ url: '/v1/catalog', headers: auditor.headers });
  for (const query of ['from=yesterday', 'to=2026-13-01', 'bogus=1', 'cursor=not-a-cursor', 'from=2026-11-02&to=2026-11-01']) {
    const answer = await inject({ url: `/v1/audit?${query}`, headers: auditor.headers });
    t.equal(answer.statusCode, 400, query);
    t.same(Object.keys(answer.json()).sort(), ['error', 'message'], query);
  }
  const all = (await inject({ url: '/v1/audit?resource=catalog', headers: auditor.headers })).json().records as AuditRecord[];
  t.equal(all.length, 7);
  const paged: AuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = (await inject({ url: `/v1/audit?resource=catalog&limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: auditor.headers })).json() as { records: AuditRecord[]; next: string | null };
    paged.push(...page.records);
    cursor = page.next;
  } while (cursor);
  t.same(paged.map((r) => r.seq), all.map((r) => r.seq), 'the pages together are the whole answer, in order, once');
});
