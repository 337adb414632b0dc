/**
 * Working cases over the API: the queue puts the most money first, then the oldest; a case is
 * assigned to an analyst or a steward only, and noted on; each rule's outcome rate counts
 * confirmed against dismissed per period; departments are refused; everything is audited.
 */
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { orderQueue, ruleOutcomes } from '../../src/cases/caseQueue.js';
import type { CaseView } from '../../src/cases/caseList.js';
import { auditDirOf } from '../../src/routes/audit.js';
import { client, exchange } from '../helpers/exchange.js';
import { crossCheckedDataDir } from '../helpers/crossCheckedData.js';

const view = (caseId: string, openedAt: string, amount: number | null, status: CaseView['status'] = 'open', rule = 'r', firstPeriod = '2026-11'): CaseView =>
  ({ caseId, rule, status, openedAt, updatedAt: openedAt, firstPeriod, periods: [firstPeriod], totalAmount: amount, finding: null, caseKey: caseId, subjectType: 'person', subjectId: null, subjectName: null }) as unknown as CaseView;

t.test('the queue and the outcome rate, as functions', async (t) => {
  const cases = [view('C1', '2026-11-02', 10), view('C2', '2026-11-01', 10), view('C3', '2026-11-03', 500), view('C4', '2026-10-01', null)];
  t.same(orderQueue(cases, 'amount').map((c) => c.caseId), ['C3', 'C2', 'C1', 'C4'], 'most money first, ties by age');
  t.same(orderQueue(cases, 'age').map((c) => c.caseId), ['C4', 'C2', 'C1', 'C3'], 'oldest first');
  const outcomes = ruleOutcomes([view('a', 'x', 1, 'confirmed'), view('b', 'x', 1, 'resolved'), view('c', 'x', 1, 'dismissed'), view('d', 'x', 1, 'open'), view('e', 'x', 1, 'open', 'r', '2026-10')]);
  t.same(outcomes.map((o) => [o.period, o.found, o.confirmed, o.dismissed, o.open, o.rate]), [['2026-10', 1, 0, 0, 1, null], ['2026-11', 4, 2, 1, 1, 2 / 3]], 'confirmed (resolved too) of decided, per period first found');
});

t.test('working cases over the API', async (t) => {
  const dataDir = await crossCheckedDataDir(t);
  const analyst = await client(dataDir, 'fraud-analyst', 'audit-office', ['analyst']);
  const clerk = await client(dataDir, 'civil-clerk', 'civil-affairs');
  const app = await exchange(t, dataDir);

  const queue = await app.inject({ url: '/v1/cases/queue?limit=10000', headers: analyst.headers });
  t.equal(queue.statusCode, 200, queue.body);
  const cases = (queue.json() as { cases: Array<{ caseId: string; totalAmount: number | null; finding: { amount: number | null }; assignee: string | null; notes: number }> }).cases;
  const amounts = cases.map((c) => c.totalAmount ?? c.finding.amount ?? 0);
  t.same(amounts, [...amounts].sort((a, b) => b - a), 'most money first');
  t.ok(cases.every((c) => c.assignee === null && c.notes === 0));
  t.equal((await app.inject({ url: '/v1/cases/queue', headers: clerk.headers })).statusCode, 403, 'not for a department clerk');

  const id = cases[0]!.caseId;
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/assign`, headers: analyst.headers, payload: { assignee: clerk.id } })).statusCode, 400, 'a clerk is not someone to work a case');
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/assign`, headers: analyst.headers, payload: { assignee: 'nobody-at-all' } })).statusCode, 400, 'nor an unknown id');
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/C000000000000/assign`, headers: analyst.headers, payload: { assignee: analyst.id } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/assign`, headers: clerk.headers, payload: { assignee: analyst.id } })).statusCode, 403);
  const assigned = await app.inject({ method: 'POST', url: `/v1/cases/${id}/assign`, headers: analyst.headers, payload: { assignee: analyst.id } });
  t.equal(assigned.statusCode, 200, assigned.body);
  t.match(assigned.json(), { assignee: analyst.id, assignedBy: analyst.id });
  t.equal((await app.inject({ method: 'POST', url: `/v1/cases/${id}/notes`, headers: analyst.headers, payload: { text: '   ' } })).statusCode, 400, 'a note says something');
  const noted = await app.inject({ method: 'POST', url: `/v1/cases/${id}/notes`, headers: analyst.headers, payload: { text: 'asked the bank for the statements' } });
  t.match(noted.json(), { notes: [{ by: analyst.id, text: 'asked the bank for the statements' }] });
  const mine = await app.inject({ url: `/v1/cases/queue?assignee=${analyst.id}`, headers: analyst.headers });
  t.same((mine.json() as { cases: Array<{ caseId: string; notes: number }> }).cases.map((c) => [c.caseId, c.notes]), [[id, 1]], 'the queue of one person');

  const before = (await app.inject({ url: '/v1/cases/outcomes', headers: analyst.headers })).json() as { outcomes: Array<{ rule: string; confirmed: number; dismissed: number; rate: number | null }> };
  t.ok(before.outcomes.every((o) => o.confirmed === 0 && o.dismissed === 0 && o.rate === null), 'nothing decided yet');
  const dismissed = cases.find((c) => c.caseId !== id)!.caseId;
  await app.inject({ method: 'POST', url: `/v1/cases/${id}/confirm`, headers: analyst.headers, payload: { reason: 'statements show it' } });
  await app.inject({ method: 'POST', url: `/v1/cases/${dismissed}/dismiss`, headers: analyst.headers, payload: { reason: 'paid in error, already returned' } });
  const after = (await app.inject({ url: '/v1/cases/outcomes', headers: analyst.headers })).json() as { outcomes: Array<{ confirmed: number; dismissed: number }> };
  t.equal(after.outcomes.reduce((s, o) => s + o.confirmed, 0), 1);
  t.equal(after.outcomes.reduce((s, o) => s + o.dismissed, 0), 1);

  const audited = await queryAudit(auditDirOf(dataDir), { resource: 'cases' });
  t.ok(audited.some((r) => r.action === 'assign' && r.client === analyst.id && r.outcome === 'allowed'), 'assignment audited');
  t.ok(audited.some((r) => r.action === 'note' && r.client === analyst.id && r.outcome === 'allowed'), 'notes audited');
});
