/** What a caller states and sends is normalised and bounded before anything is decided, and recorded as it was meant. */
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { verifyAuditDir } from '../../src/audit/verifyAudit.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

const fullWidth = (id: string) => [...id].map((c) => (/\d/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

t.test('subjects recorded by canonical ID beside their spelling; purpose, legal basis and initiator single and bounded', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { name: 'full' });
  await grant(dataDir, clerk.id, 'payment-check', { hold: 'full' });
  const app = await exchange(t, dataDir);
  const ids = [...app.snapshots.current()!.persons.keys()].slice(0, 3);
  const spelled = [fullWidth(ids[0]!), ` ${ids[1]!.slice(0, 6)} ${ids[1]!.slice(6)} `, ids[2]!];
  const batch = await app.inject({ method: 'POST', url: '/v1/persons/batch', headers: { ...clerk.headers, 'x-legal-basis': encodeURIComponent('《社会救助暂行办法》第十一条'), 'x-initiator': 'officer-0042' }, payload: { ids: spelled, purpose: 'benefit review' } });
  t.equal(batch.statusCode, 200, batch.body);
  t.same(batch.json().results.map((r: { status: string }) => r.status), ['found', 'found', 'found']);
  const [record] = (await queryAudit(join(dataDir, 'audit'), { subject: ids[0]!, limit: 10 })).filter((r) => r.action === 'batch');
  t.ok(record, 'the person\'s access log finds the batch that named them in full-width digits');
  t.same(record!.subjects, ids);
  t.same((record as unknown as { subjectsSent: string[] }).subjectsSent, spelled, 'the spellings sent, kept beside');
  t.match(record, { purpose: 'benefit review', legalBasis: '《社会救助暂行办法》第十一条', initiator: 'officer-0042' });
  const single = await app.inject({ url: `/v1/persons/${fullWidth(ids[0]!)}?purpose=benefit%20review`, headers: clerk.headers });
  t.equal(single.statusCode, 200);

  const refused = async (request: InjectOptions, why: string, error?: string) => {
    const answer = await app.inject(request);
    t.equal(answer.statusCode, 400, `${why}: ${answer.body.slice(0, 120)}`);
    if (error) t.equal(answer.json().error, error);
    return answer;
  };
  const url = `/v1/persons/${ids[0]}`;
  await refused({ url: `${url}?purpose=benefit%20review&purpose=other`, headers: clerk.headers }, 'a repeated purpose');
  await refused({ url, headers: { ...clerk.headers, 'x-purpose': '%E0%A4%A' } }, 'bad percent-encoding', 'invalid_purpose');
  await refused({ url: `${url}?purpose=benefit%20review`, headers: { ...clerk.headers, 'x-purpose': 'other' } }, 'two purposes that disagree', 'invalid_purpose');
  await refused({ url: `${url}?purpose=benefit%20review`, headers: { ...clerk.headers, 'x-initiator': 'x'.repeat(101) } }, 'an initiator too long', 'invalid_initiator');
  await refused({ url: `${url}?purpose=benefit%20review&legal_basis=a&legal_basis=b`, headers: clerk.headers }, 'a repeated legal basis', 'invalid_legal_basis');
  await refused({ url: `${url}?purpose=benefit%20review`, headers: { ...clerk.headers, 'x-legal-basis': 'a\u0001b' } }, 'control characters', 'invalid_legal_basis');
  await refused({ method: 'POST' as const, url: '/v1/persons/batch', headers: clerk.headers, payload: { ids: [ids[0]], purpose: ['benefit review', 'other'] } }, 'a purpose that is not a string');

  // A department's 8 MB export with a wrong header line: refused with a short message, and a short audit reason.
  const header = `${'身份证号码,'.repeat(200_000)}姓名\n`;
  const csv = await refused({ method: 'POST' as const, url: '/v1/payments/check?purpose=benefit%20review', headers: { ...clerk.headers, 'content-type': 'text/csv' }, payload: `${header}${ids[0]},某人,2026-11,100,工商银行\n` }, 'a payments file with the wrong header', 'invalid_payments');
  t.ok(csv.body.length < 1000, `the 400 is ${csv.body.length} bytes, not the header line`);
  const reasons = (await queryAudit(join(dataDir, 'audit'), { resource: 'payment-check', limit: 10 })).map((r) => r.reason ?? '');
  t.ok(reasons.length > 0 && reasons.every((r) => r.length < 1000), 'nor is the audit record');
  t.equal((await verifyAuditDir(join(dataDir, 'audit'))).ok, true, 'every record well-formed: the chain verifies');
});
