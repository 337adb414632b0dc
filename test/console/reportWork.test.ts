/**
 * The report routes the console's work pages use, on a real published city: repairs decided by
 * the class with one reason (all checked before any is recorded), the submission calendar, and
 * lineage from the declared pipeline; each refused to whom it is not for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { aliases, fieldSources, reads, selectItems } from '../../src/console/lineage.js';
import { deliveryStatus } from '../../src/routes/deliveries.js';
import { client, exchange } from '../helpers/exchange.js';
import { reportedDataDir } from '../helpers/stewardData.js';

t.test('a delivery is on time through its due day, late after, missing once due, else awaited', async (t) => {
  t.equal(deliveryStatus('2026-12-05', '2026-12-05T23:59:00Z', '2026-12-10'), 'on_time');
  t.equal(deliveryStatus('2026-12-05', '2026-12-06T00:01:00Z', '2026-12-10'), 'late');
  t.equal(deliveryStatus('2026-12-05', null, '2026-12-06'), 'missing');
  t.equal(deliveryStatus('2026-12-05', null, '2026-12-05'), 'awaited');
  t.equal(deliveryStatus(null, null, '2026-12-05'), 'awaited', 'no due date: never missing');
});

t.test('lineage reads a SELECT list as the SQL has it', async (t) => {
  const sql = `-- a mart\nSELECT k.id AS id_number, coalesce(d.a, p.b) AS death_date, {'x': f(k.y, 1)} AS provenance, k.name\nFROM int_known AS k LEFT JOIN int_deaths AS d ON d.id = k.id JOIN (SELECT 1 FROM other) AS p ON true`;
  t.same(selectItems(sql), ['k.id AS id_number', 'coalesce(d.a, p.b) AS death_date', "{'x': f(k.y, 1)} AS provenance", 'k.name']);
  t.same([...fieldSources(sql).entries()].map(([f, a]) => [f, [...a].sort()]), [['id_number', ['k']], ['death_date', ['d', 'p']], ['provenance', ['k']], ['name', ['k']]]);
  t.same([...aliases(sql).entries()], [['k', 'int_known'], ['d', 'int_deaths']]);
  t.same([...reads(sql)].sort(), ['int_deaths', 'int_known', 'other']);
});

t.test('the console\'s report routes', async (t) => {
  const dataDir = await reportedDataDir(t, ['2026-10', '2026-11'], { publishLast: false });
  const steward = await client(dataDir, 'city-steward', 'data-office', ['steward']);
  const analyst = await client(dataDir, 'city-analyst', 'data-office', ['analyst']);
  const civil = await client(dataDir, 'civil-affairs-admin', 'civil-affairs', ['provider']);
  const clerk = await client(dataDir, 'pension-bureau', 'social-security', ['department']);
  const app = await exchange(t, dataDir);
  const decisionsFile = join(dataDir, 'decisions', 'id-repairs.jsonl');
  const recorded = () => (existsSync(decisionsFile) ? readFileSync(decisionsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { repair_id: string; decision: string; reason: string }) : []);

  t.test('repairs decided many at once', async (t) => {
    const all = (await app.inject({ url: '/v1/reports/2026-11/id-resolutions?limit=10000', headers: steward.headers })).json().rows as Array<{ repair_id: string; status: string }>;
    const repaired = all.filter((r) => r.status === 'repaired').map((r) => r.repair_id);
    const unresolved = all.filter((r) => r.status === 'unresolved').map((r) => r.repair_id);
    t.ok(repaired.length >= 2, 'the sample city has repairs');
    const post = (who: typeof steward, payload: unknown) => app.inject({ method: 'POST', url: '/v1/reports/2026-11/id-resolutions/decisions', headers: who.headers, payload: payload as Record<string, unknown> });
    t.equal((await post(analyst, { decision: 'accept', reason: 'x', repair_ids: repaired })).statusCode, 403, 'stewards decide');
    t.equal((await post(steward, { decision: 'accept', reason: '  ', repair_ids: repaired })).statusCode, 400, 'with a reason');
    t.equal((await post(steward, { decision: 'accept', reason: 'x', repair_ids: [] })).statusCode, 400, 'on something');
    t.equal((await post(steward, { decision: 'accept', reason: 'x', repair_ids: [...repaired, '0123456789abcdef'] })).statusCode, 404, 'an id not in the report');
    if (unresolved.length > 0) t.equal((await post(steward, { decision: 'accept', reason: 'x', repair_ids: [...repaired, unresolved[0]] })).statusCode, 409, 'an unresolved number has no repair');
    t.same(recorded(), [], 'a refused request records nothing, not even the good ids');
    const ok = await post(steward, { decision: 'reject', reason: 'the department confirms the numbers as sent', repair_ids: repaired });
    t.equal(ok.statusCode, 200, ok.body);
    t.match(ok.json(), { period: '2026-11', takes_effect: /governed again/ });
    t.same(recorded().map((d) => d.repair_id).sort(), [...repaired].sort(), 'one decision per repair');
    t.ok(recorded().every((d) => d.decision === 'rejected' && d.reason === 'the department confirms the numbers as sent'));
    const shown = (await app.inject({ url: '/v1/reports/2026-11/id-resolutions?status=repaired&limit=10000', headers: steward.headers })).json().rows as Array<{ decision: { decision: string } | null }>;
    t.ok(shown.every((r) => r.decision?.decision === 'rejected'), 'the report shows the standing decisions');
  });

  t.test('the submission calendar', async (t) => {
    t.equal((await app.inject({ url: '/v1/deliveries', headers: clerk.headers })).statusCode, 403);
    const calendar = (await app.inject({ url: '/v1/deliveries', headers: steward.headers })).json() as { periods: string[]; datasets: Array<{ connector: string; deliveries: Array<{ period: string; due: string | null; received: string | null; status: string }> }> };
    t.same(calendar.periods, ['2026-10', '2026-11']);
    t.ok(calendar.datasets.length >= 13);
    const received = calendar.datasets.flatMap((d) => d.deliveries).filter((d) => d.received !== null);
    t.ok(received.length > 0 && received.every((d) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(d.received!)), 'received when the batch was loaded');
    t.ok(calendar.datasets.flatMap((d) => d.deliveries).every((d) => d.status === deliveryStatus(d.due, d.received, new Date().toISOString().slice(0, 10))));
    const own = (await app.inject({ url: '/v1/deliveries', headers: civil.headers })).json() as { datasets: Array<{ connector: string }> };
    t.ok(own.datasets.length > 0 && own.datasets.every((d) => d.connector.startsWith('civil-affairs/')), 'a department administrator sees its own');
  });

  t.test('lineage', async (t) => {
    t.equal((await app.inject({ url: '/v1/lineage/2026-11', headers: civil.headers })).statusCode, 403, 'not for a department administrator');
    const whole = (await app.inject({ url: '/v1/lineage/2026-11', headers: analyst.headers })).json() as { nodes: Array<{ id: string; kind: string }>; edges: Array<{ from: string; to: string }> };
    t.ok(whole.nodes.some((n) => n.id === 'field:population_view.deceased') && whole.nodes.some((n) => n.id === 'field:legal_entity_view.tax_status'));
    const deceased = (await app.inject({ url: `/v1/lineage/2026-11?node=${encodeURIComponent('field:population_view.deceased')}`, headers: analyst.headers })).json() as { nodes: Array<{ id: string; kind: string }> };
    const ids = deceased.nodes.map((n) => n.id);
    t.ok(ids.includes('model:int_deaths') && ids.includes('table:death_record') && ids.includes('dataset:health/death-certificate'), 'down to the death datasets');
    t.ok(deceased.nodes.some((n) => n.kind === 'file'), 'and their files');
    t.notOk(ids.includes('dataset:tax/tax-registration'), 'nothing that does not feed it');
    const tax = (await app.inject({ url: `/v1/lineage/2026-11?node=${encodeURIComponent('dataset:tax/tax-registration')}`, headers: analyst.headers })).json() as { nodes: Array<{ id: string }> };
    t.ok(tax.nodes.some((n) => n.id === 'field:legal_entity_view.tax_status'), 'forward from a dataset to the fields it feeds');
    t.notOk(tax.nodes.some((n) => n.id === 'field:population_view.deceased'));
    t.equal((await app.inject({ url: '/v1/lineage/2026-11?node=nothing', headers: analyst.headers })).statusCode, 404);
  });
});
