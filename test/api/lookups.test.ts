import { join } from 'node:path';
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { verifyAuditDir } from '../../src/audit/verifyAudit.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

t.test('lookups disclose exactly what is granted, and every access is audited', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  const stranger = await client(dataDir, 'curious-system', 'transport');
  await grant(dataDir, clerk.id, 'population', { name: 'full', address: 'masked', id_number: 'masked', deceased: 'full', pension_status: 'full' });
  await grant(dataDir, clerk.id, 'population-status', { alive: 'full' });
  await grant(dataDir, clerk.id, 'legal-entity', { name: 'full', business_status: 'full', tax_status: 'full' });
  await grant(dataDir, clerk.id, 'legal-entity-status', { active: 'full' });
  const app = await exchange(t, dataDir);
  const snapshot = app.snapshots.current()!;
  const [someone] = [...snapshot.persons.keys()];
  const record = snapshot.persons.get(someone!)!;
  const purpose = '?purpose=benefit%20review';

  const ok = await app.inject({ url: `/v1/persons/${someone}${purpose}`, headers: clerk.headers });
  t.equal(ok.statusCode, 200, ok.body);
  const body = ok.json();
  t.same(Object.keys(body.data).sort(), ['address', 'deceased', 'id_number', 'name', 'pension_status']);
  t.equal(body.data.name, record.name);
  t.match(body.data.id_number, /^\d{6}\*{8}[0-9X]{4}$/, 'the ID number masked');
  t.match(body.data.address, /^包头市.+[区县旗]$/, 'the address cut to its district');
  t.not(body.data.address, record.address);
  t.equal(body.provenance.name, 'identity', 'each field names its source group');
  t.match(body.sources[body.provenance.name], { department: 'police', file: String, line: Number });
  t.same(Object.keys(body.sources).sort(), [...new Set(Object.values(body.provenance as Record<string, string>))].sort(), 'each source the fields name, once');
  t.equal(body.period, '2026-11');

  t.equal((await app.inject({ url: `/v1/persons/${someone}${purpose}` })).statusCode, 401, 'no key');
  t.equal((await app.inject({ url: `/v1/persons/${someone}${purpose}`, headers: { authorization: 'Bearer dxk_civil-affairs-portal.forged' } })).statusCode, 401, 'a forged key');
  t.equal((await app.inject({ url: `/v1/persons/${someone}${purpose}`, headers: stranger.headers })).statusCode, 403, 'no grant');
  t.equal((await app.inject({ url: `/v1/persons/${someone}?purpose=curiosity`, headers: clerk.headers })).statusCode, 403, 'a purpose not granted');
  t.equal((await app.inject({ url: `/v1/persons/${someone}`, headers: clerk.headers })).statusCode, 403, 'no purpose stated');
  const malformed = await app.inject({ url: `/v1/persons/110102199101010079${purpose}`, headers: clerk.headers });
  t.equal(malformed.statusCode, 400);
  t.match(malformed.json().message, /bad check character/);
  const unknown = await app.inject({ url: `/v1/persons/110102199101010078${purpose}`, headers: clerk.headers });
  t.equal(unknown.statusCode, 404, 'unknown to an entitled client');
  t.equal((await app.inject({ url: `/v1/persons/110102199101010078${purpose}`, headers: stranger.headers })).statusCode, 403, 'an unentitled client learns nothing of existence');

  const alive = await app.inject({ url: `/v1/persons/${someone}/verify/alive${purpose}`, headers: clerk.headers });
  t.same(alive.json(), { period: '2026-11', question: 'alive', answer: record.deceased !== true });
  t.equal((await app.inject({ url: `/v1/persons/${someone}/verify/owns-property${purpose}`, headers: clerk.headers })).statusCode, 403, 'a question not granted');

  const ids = [...snapshot.persons.keys()].slice(0, 998);
  const batch = await app.inject({ method: 'POST', url: '/v1/persons/batch', headers: clerk.headers, payload: { ids: [...ids, '12345', '110102199101010078'], purpose: 'benefit review' } });
  t.equal(batch.statusCode, 200);
  const results = batch.json().results as Array<{ status: string; data?: Record<string, unknown> }>;
  t.equal(results.length, 1000);
  t.equal(results.filter((r) => r.status === 'found').length, 998);
  t.same(results.slice(-2).map((r) => r.status), ['invalid', 'not_found']);
  t.ok(results.every((r) => !r.data || Object.keys(r.data).length === 5));
  t.equal((await app.inject({ method: 'POST', url: '/v1/persons/batch', headers: clerk.headers, payload: { ids: Array(1001).fill(someone), purpose: 'benefit review' } })).statusCode, 400, 'at most 1,000');

  const [company] = [...snapshot.entities.keys()];
  const entity = await app.inject({ url: `/v1/entities/${company}${purpose}`, headers: clerk.headers });
  t.same(Object.keys(entity.json().data).sort(), ['business_status', 'name', 'tax_status']);
  const active = await app.inject({ url: `/v1/entities/${company}/verify/active${purpose}`, headers: clerk.headers });
  t.equal(active.json().answer, snapshot.entities.get(company!)!.business_status === 'active');

  const audit = join(dataDir, 'audit');
  const records = await queryAudit(audit, { subject: someone!, limit: 100 });
  t.ok(records.some((r) => r.outcome === 'allowed' && r.client === clerk.id && r.purpose === 'benefit review' && r.fields.includes('name')));
  t.ok(records.some((r) => r.outcome === 'denied' && r.client === stranger.id && r.fields.length === 0));
  t.ok(records.some((r) => r.outcome === 'denied' && r.client === null), 'unauthenticated attempts too');
  const verification = await verifyAuditDir(audit);
  t.equal(verification.ok, true, 'the chain verifies', { problems: verification.chains.flatMap((c) => c.problems) });
});
