/**
 * The recorded decisions as a list for stewards and auditors: the applications waiting for a
 * person (outcome=manual_review) with each unmet rule and the facts with their sources, newest
 * first, filtered and paged; clerks, analysts and strangers are refused; every request is audited.
 */
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { withPublishedSnapshot } from '../../src/payments/snapshotFacts.js';
import { auditDirOf } from '../../src/routes/audit.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

interface Decision {
  id: string; type: string; decision: string; by: string; input: Record<string, string>;
  unmet: Array<{ rule: string; says: string; why: string }>; facts: Record<string, { value: unknown; source: Record<string, unknown> | null }>;
}
interface Page { total: number; offset: number; limit: number; outcomes: { manual_review: number; approved: number }; types: Array<{ type: string; title: string }>; decisions: Decision[] }

t.test('GET /v1/applications/decisions', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const home = await withPublishedSnapshot(dataDir, async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT t.certificate_number AS certificate, t.owner_id AS owner
      FROM property_title AS t JOIN population AS p ON p.id_number = t.owner_id
      WHERE t.usage = '住宅' AND t.area_code LIKE '1502%' AND NOT p.deceased AND p.register_status = 'normal' ORDER BY t.certificate_number LIMIT 1`);
    return reader.getRowObjectsJS()[0] as { certificate: string; owner: string };
  });
  const clerk = await client(dataDir, 'household-clerk', 'police', ['clerk']);
  const steward = await client(dataDir, 'a-steward', 'data-office', ['steward']);
  const auditor = await client(dataDir, 'an-auditor', 'audit-office', ['auditor']);
  const analyst = await client(dataDir, 'an-analyst', 'audit-office', ['analyst']);
  const purpose = 'household registration';
  await grant(dataDir, clerk.id, 'application-review', { decision: 'full', facts: 'full' }, [purpose, 'disability subsidy']);
  const app = await exchange(t, dataDir);
  const apply = async (body: Record<string, string>, type = 'household-move-after-purchase'): Promise<Decision> => {
    const response = await app.inject({ method: 'POST', url: `/v1/applications/${type}`, headers: clerk.headers, payload: { purpose, ...body } });
    t.equal(response.statusCode, 200, response.body);
    return response.json() as Decision;
  };
  const approved = await apply({ applicant_id: home.owner, property_certificate: home.certificate });
  t.equal(approved.decision, 'approved', 'the owner moving into their own house');
  const noTitle = await apply({ applicant_id: home.owner, property_certificate: '蒙(2099)包头市不动产权第99999999号' });
  t.equal(noTitle.decision, 'manual_review');
  const subsidy = await apply({ applicant_id: home.owner }, 'disability-living-subsidy');
  const list = (query: string, who: { headers: Record<string, string> } = steward) => app.inject({ url: `/v1/applications/decisions${query}`, headers: who.headers });

  await t.test('stewards and auditors see every decision, newest first', async (t) => {
    for (const who of [steward, auditor]) {
      const response = await list('', who);
      t.equal(response.statusCode, 200, response.body);
      const page = response.json() as Page;
      t.same(page.decisions.map((d) => d.id), [subsidy.id, noTitle.id, approved.id], 'newest first');
      t.equal(page.total, 3);
      t.same(page.outcomes, { manual_review: subsidy.decision === 'manual_review' ? 2 : 1, approved: subsidy.decision === 'approved' ? 2 : 1 });
      t.same(page.types.map((x) => x.type).sort(), ['disability-living-subsidy', 'household-move-after-purchase'], 'the types a filter offers');
    }
  });

  await t.test('the applications waiting for a person: each unmet rule named, the facts with their sources', async (t) => {
    const page = (await list('?outcome=manual_review&type=household-move-after-purchase')).json() as Page;
    t.equal(page.total, 1);
    const waiting = page.decisions[0]!;
    t.equal(waiting.id, noTitle.id);
    t.equal(waiting.by, clerk.id, 'the clerk who asked');
    t.ok(waiting.unmet.some((u) => u.rule === 'title_on_register' && /real-estate register/.test(u.says) && u.why.length > 0), 'the unmet rule with what it says and why');
    t.match(waiting.facts['applicant.register_status'], { value: 'normal', source: { register: 'population', department: 'police' } }, 'a fact with its department');
    t.same(page.outcomes, { manual_review: 1, approved: 1 }, 'counted within the type');
    const approvedOnly = (await list('?outcome=approved&type=household-move-after-purchase')).json() as Page;
    t.same(approvedOnly.decisions.map((d) => d.id), [approved.id]);
  });

  await t.test('paged', async (t) => {
    const first = (await list('?limit=2')).json() as Page;
    const second = (await list('?limit=2&offset=2')).json() as Page;
    t.same([...first.decisions, ...second.decisions].map((d) => d.id), [subsidy.id, noTitle.id, approved.id]);
    t.match(second, { total: 3, offset: 2, limit: 2 });
  });

  await t.test('bad filters are refused with the field named', async (t) => {
    const outcome = await list('?outcome=waiting');
    t.equal(outcome.statusCode, 400);
    t.match(outcome.json().message, /outcome/);
    const type = await list('?type=no-such-type');
    t.equal(type.statusCode, 400);
    t.match(type.json().message, /type/);
    t.equal((await list('?limit=0')).statusCode, 400);
  });

  await t.test('clerks, analysts and callers without a key are refused', async (t) => {
    t.equal((await list('', clerk)).statusCode, 403, 'a clerk reads only their own decisions, one at a time');
    t.equal((await list('', analyst)).statusCode, 403);
    t.equal((await app.inject({ url: '/v1/applications/decisions' })).statusCode, 401);
  });

  await t.test('every request audited: whose applications were shown, and the refusals', async (t) => {
    const audited = await queryAudit(auditDirOf(dataDir), { resource: 'application-review' });
    const lists = audited.filter((r) => r.action === 'list');
    t.ok(lists.some((r) => r.client === steward.id && r.outcome === 'allowed' && r.subjects.includes(noTitle.id) && r.subjects.includes(home.owner) && r.fields.includes('facts')),
      'the steward\'s list names the decisions and applicants shown');
    t.ok(lists.some((r) => r.client === auditor.id && r.outcome === 'allowed'));
    t.ok(lists.some((r) => r.client === clerk.id && r.outcome === 'denied'));
    t.ok(lists.some((r) => r.client === null && r.outcome === 'denied'));
    // A request refused by its schema never reaches the handler: the audit names it as its route declares.
    t.ok(lists.some((r) => r.client === steward.id && r.outcome === 'error' && r.status === 400), 'a bad filter too');
  });
});
