/** Analysts and stewards read and change cases over the API; everyone else is refused; every request is audited. */
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { auditDirOf } from '../../src/routes/audit.js';
import { client, exchange } from '../helpers/exchange.js';
import { crossCheckedDataDir } from '../helpers/crossCheckedData.js';

t.test('cases over the API', async (t) => {
  const dataDir = await crossCheckedDataDir(t);
  const analyst = await client(dataDir, 'fraud-analyst', 'audit-office', ['analyst']);
  const clerk = await client(dataDir, 'civil-clerk', 'civil-affairs');
  const app = await exchange(t, dataDir);

  const list = await app.inject({ url: '/v1/cases?period=2026-11&rule=pension_after_death', headers: analyst.headers });
  t.equal(list.statusCode, 200, list.body);
  const { total, cases } = list.json() as { total: number; cases: Array<{ caseId: string; subjectId: string; status: string; finding: { amount: number; evidence: { death_evidence: unknown[] } } }> };
  t.ok(total > 0 && cases.length === total);
  t.ok(cases.every((c) => c.status === 'open' && c.finding.amount > 0 && c.finding.evidence.death_evidence.length > 0), 'open, with the amount and the death evidence');
  t.equal((await app.inject({ url: '/v1/cases', headers: clerk.headers })).statusCode, 403, 'a department clerk may not read cases');
  t.equal((await app.inject({ url: '/v1/cases' })).statusCode, 401);

  const id = cases[0]!.caseId;
  const confirm = await app.inject({ method: 'POST', url: `/v1/cases/${id}/confirm`, headers: analyst.headers, payload: { reason: 'bank statement shows the pension drawn' } });
  t.equal(confirm.statusCode, 200, confirm.body);
  t.match(confirm.json(), { status: 'confirmed', history: [{ event: 'opened' }, { event: 'confirm', by: analyst.id, reason: 'bank statement shows the pension drawn' }] });
  const early = await app.inject({ method: 'POST', url: `/v1/cases/${id}/reopen`, headers: analyst.headers, payload: { reason: 'x' } });
  t.equal(early.statusCode, 409, 'a confirmed case cannot be reopened');
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/resolve`, headers: analyst.headers, payload: {} })).statusCode, 400, 'a reason is required');
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/C000000000000/confirm`, headers: analyst.headers, payload: { reason: 'x' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/resolve`, headers: clerk.headers, payload: { reason: 'x' } })).statusCode, 403);
  const one = await app.inject({ url: `/v1/cases/${id}`, headers: analyst.headers });
  t.match(one.json(), { caseId: id, status: 'confirmed', periods: ['2026-11'] });
  const confirmed = await app.inject({ url: '/v1/cases?status=confirmed', headers: analyst.headers });
  t.same((confirmed.json() as { cases: Array<{ caseId: string }> }).cases.map((c) => c.caseId), [id]);
  const counts = (confirmed.json() as { counts: { rules: Record<string, number>; statuses: Record<string, number> } }).counts;
  t.equal(counts.statuses.confirmed, 1, 'counts per status over every case, whatever status was asked for');
  t.ok(counts.statuses.open! > 0 && counts.rules.pension_after_death === total, 'and per rule: what the console\'s filters offer');

  const audited = await queryAudit(auditDirOf(dataDir), { resource: 'cases' });
  t.ok(audited.some((r) => r.action === 'confirm' && r.client === analyst.id && r.outcome === 'allowed' && r.subjects.includes(cases[0]!.subjectId) && r.reason === 'bank statement shows the pension drawn'), 'the change is audited with who and why');
  t.ok(audited.some((r) => r.client === clerk.id && r.outcome === 'denied'), 'the refusal too');
});
