import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { chainFiles } from '../../src/audit/verifyAudit.js';
import { client, exchange } from '../helpers/exchange.js';
import { publishAndExport, reportedDataDir } from '../helpers/stewardData.js';

t.test('steward reports over HTTP: periods, quality with trends, drill-down, reconciliation, repair decisions', async (t) => {
  const dataDir = await reportedDataDir(t, ['2026-10', '2026-11'], { publishLast: false });
  const steward = await client(dataDir, 'city-steward', 'data-office', ['steward']);
  const analyst = await client(dataDir, 'city-analyst', 'data-office', ['analyst']);
  const auditor = await client(dataDir, 'city-auditor', 'audit-office', ['auditor']);
  const civil = await client(dataDir, 'civil-affairs-admin', 'civil-affairs', ['provider']);
  const clerk = await client(dataDir, 'pension-bureau', 'social-security', ['department']);
  const app = await exchange(t, dataDir);
  const get = (url: string, who = steward) => app.inject({ url, headers: who.headers });

  t.test('who may read', async (t) => {
    t.equal((await app.inject({ url: '/v1/reports' })).statusCode, 401);
    t.equal((await get('/v1/reports', clerk)).statusCode, 403, 'a department client reads no reports');
    for (const who of [steward, analyst, auditor, civil]) t.equal((await get('/v1/reports', who)).statusCode, 200, who.id);
    t.match((await get('/v1/me', civil)).json(), { id: 'civil-affairs-admin', department: 'civil-affairs', roles: ['provider'] });
    t.notMatch((await get('/v1/me', civil)).body, /dxk_|keyHash/, 'the key is never echoed');
  });

  t.test('periods and a period\'s quality', async (t) => {
    const { periods } = (await get('/v1/reports')).json();
    t.same(periods.map((p: { period: string }) => p.period), ['2026-11', '2026-10'], 'newest first');
    t.match(periods[1], { published: true, override_reason: 'sample data: faults planted on purpose', publishable: false });
    t.equal(periods[0].published, false, 'governed, not yet published');
    const summary = (await get('/v1/reports/2026-11')).json();
    t.ok(summary.departments.length >= 13, 'every department dataset');
    const household = summary.departments.find((d: { connector: string }) => d.connector === 'police/household-register');
    t.ok(household.rows_read > 0 && household.rows_read === household.rows_loaded + household.rows_quarantined, 'read = loaded + quarantined');
    t.ok(household.rules.length > 0, 'rule verdicts per department');
    t.same([...new Set(summary.trend.map((p: { period: string }) => p.period))], ['2026-10', '2026-11'], 'trend over the periods so far');
    t.match(summary.reconciliation, { repaired: Number, unresolved: Number, conflicts_by_kind: Object, month_over_month: { previous_period: '2026-10' } });
    t.equal(summary.publication, null);
    t.equal((await get('/v1/reports/2026-09')).statusCode, 404);
    t.match((await get('/v1/reports/2026-09')).json().message, /no steward report for 2026-09/);
    t.equal((await get('/v1/reports/2026-13')).statusCode, 400, 'not a period');
  });

  t.test('a department administrator sees its own department only', async (t) => {
    const summary = (await get('/v1/reports/2026-11', civil)).json();
    t.ok(summary.departments.length > 0);
    t.ok(summary.departments.every((d: { connector: string }) => d.connector.startsWith('civil-affairs/')));
    t.equal(summary.reconciliation, null);
    const rows = (await get('/v1/reports/2026-11/quarantine?limit=1000', civil)).json().rows;
    t.ok(rows.length > 0 && rows.every((r: { department: string }) => r.department === 'civil-affairs'));
    t.equal((await get('/v1/reports/2026-11/quarantine?department=police', civil)).statusCode, 403, 'not another department\'s rows');
    t.equal((await get('/v1/reports/2026-11/conflicts', civil)).statusCode, 403);
  });

  t.test('drill-down: quarantined and failing rows, paged, with file, line, raw text and reason', async (t) => {
    const all = (await get('/v1/reports/2026-11/quarantine?limit=2')).json();
    t.ok(all.total > 2);
    t.equal(all.rows.length, 2);
    t.match(all.rows[0], { connector: String, file: String, line: Number, reason: String, raw_line: String });
    const next = (await get(`/v1/reports/2026-11/quarantine?limit=2&offset=2`)).json();
    t.notSame(next.rows[0], all.rows[0], 'the next page');
    const one = (await get(`/v1/reports/2026-11/quarantine?connector=${encodeURIComponent(all.rows[0].connector)}`)).json();
    t.ok(one.rows.every((r: { connector: string }) => r.connector === all.rows[0].connector));
    const failures = (await get('/v1/reports/2026-11/failures?limit=1000')).json();
    t.ok(failures.total > 0);
    t.match(failures.rows[0], { rule_id: String, file: String, line: Number });
    t.equal((await get('/v1/reports/2026-11/quarantine?limit=0')).statusCode, 400);
    t.equal((await get('/v1/reports/2026-11/quarantine?nonsense=1')).json().total, all.total, 'unknown filters are dropped, never put into SQL');
  });

  t.test('reconciliation: conflicts with both sides, repairs and unresolved IDs', async (t) => {
    const conflicts = (await get('/v1/reports/2026-11/conflicts', analyst)).json();
    t.ok(conflicts.total > 0);
    const c = conflicts.rows[0];
    t.match(c, { kind: String, authority: String, other_department: String, subject_id: String });
    t.ok(Array.isArray(JSON.parse(c.sources)), 'the source rows of both departments');
    const repairs = (await get('/v1/reports/2026-11/id-resolutions?status=repaired')).json();
    t.ok(repairs.total > 0);
    t.match(repairs.rows[0], { repair_id: /^[0-9a-f]{16}$/, original_id: String, repaired_id: String, evidence: String, decision: null });
    t.ok((await get('/v1/reports/2026-11/id-resolutions?status=unresolved')).json().total > 0);
    t.ok((await get('/v1/reports/2026-11/orphans')).json().total > 0);
  });

  t.test('a steward accepts or rejects a repair with the reason; recorded and audited', async (t) => {
    const repairs = (await get('/v1/reports/2026-11/id-resolutions?status=repaired')).json().rows;
    const [first, second] = repairs as Array<{ repair_id: string; original_id: string; repaired_id: string }>;
    const decide = (id: string, body: Record<string, unknown>, who = steward) =>
      app.inject({ method: 'POST', url: `/v1/reports/2026-11/id-resolutions/${id}/decision`, headers: who.headers, payload: body });
    t.equal((await decide(first!.repair_id, { decision: 'accept', reason: 'checked' }, analyst)).statusCode, 403, 'only stewards decide');
    t.equal((await decide(first!.repair_id, { decision: 'accept' })).statusCode, 400, 'a decision gives its reason');
    t.equal((await decide(first!.repair_id, { decision: 'accept', reason: '   ' })).statusCode, 400);
    t.equal((await decide('0000000000000000', { decision: 'accept', reason: 'x' })).statusCode, 404);
    const unresolved = (await get('/v1/reports/2026-11/id-resolutions?status=unresolved')).json().rows[0];
    t.equal((await decide(unresolved.repair_id, { decision: 'accept', reason: 'x' })).statusCode, 409);
    const accepted = await decide(first!.repair_id, { decision: 'accept', reason: 'birth register agrees' });
    t.equal(accepted.statusCode, 200, accepted.body);
    t.match(accepted.json(), { decision: 'accepted', decided_by: 'city-steward', original_id: first!.original_id, repaired_id: first!.repaired_id });
    await decide(second!.repair_id, { decision: 'accept', reason: 'first look' });
    await decide(second!.repair_id, { decision: 'reject', reason: 'the name differs on the paper form' });
    const listed = (await get('/v1/reports/2026-11/id-resolutions?status=repaired&limit=1000')).json().rows as Array<{ repair_id: string; decision: { decision: string; reason: string } | null }>;
    t.match(listed.find((r) => r.repair_id === first!.repair_id)!.decision, { decision: 'accepted', reason: 'birth register agrees' });
    t.match(listed.find((r) => r.repair_id === second!.repair_id)!.decision, { decision: 'rejected', reason: 'the name differs on the paper form' }, 'the latest decision stands');
    const lines = readFileSync(join(dataDir, 'decisions', 'id-repairs.jsonl'), 'utf8').trim().split('\n');
    t.equal(lines.length, 3, 'every decision kept, append-only');
    const audit = await queryAudit(join(dataDir, 'audit'), { resource: 'id-repairs', limit: 50 });
    t.ok(audit.some((r) => r.action === 'accept' && r.outcome === 'allowed' && r.subjects.includes(first!.repaired_id) && r.reason === 'birth register agrees'));
    // Refused for its role before the handler read the body: recorded under the route's declared action.
    t.ok(audit.some((r) => r.action === 'decide' && r.outcome === 'denied' && r.client === 'city-analyst'));
  });

  t.test('the cycle\'s run and steps as the cycle recorded them, else none', async (t) => {
    t.same((await get('/v1/reports/2026-01/cycle')).json(), { period: '2026-01', run: null, steps: [], awaited: [] });
    const cycle = (await get('/v1/reports/2026-11/cycle')).json();
    t.match(cycle.run, { period: '2026-11', mode: 'in-process', state: 'completed', outcome: 'stopped after govern' });
    t.same(cycle.steps.slice(-2).map((s: { step: string; state: string }) => [s.step, s.state]), [['check', 'completed'], ['govern', 'completed']]);
    t.ok(cycle.steps.filter((s: { step: string }) => s.step.startsWith('collect:')).every((s: { state: string; detail: string }) => s.state === 'completed' && /rows loaded/.test(s.detail)));
    t.same(cycle.awaited, [], 'every department delivered');
  });

  t.test('a re-exported report is seen at once', async (t) => {
    await get('/v1/reports/2026-11');
    await publishAndExport(dataDir, '2026-11', 'published over the planted faults');
    const summary = (await get('/v1/reports/2026-11')).json();
    t.match(summary.publication, { published_by: 'test-steward', override_reason: 'published over the planted faults' });
    t.ok(summary.publication.blocking_findings.length > 0, 'what the override overrode');
  });

  t.test('audit chain verification', async (t) => {
    t.equal((await get('/v1/audit/verify', analyst)).statusCode, 403);
    const ok = (await get('/v1/audit/verify', auditor)).json();
    t.equal(ok.ok, true);
    t.ok(ok.chains[0].records > 0);
    t.notMatch(JSON.stringify(ok), new RegExp(dataDir), 'no server paths');
    const [file] = await chainFiles(join(dataDir, 'audit'));
    const text = readFileSync(file!, 'utf8');
    writeFileSync(file!, text.replace('"action":"list"', '"action":"lost"'));
    appendFileSync(file!, '');
    const bad = (await get('/v1/audit/verify', auditor)).json();
    t.equal(bad.ok, false);
    t.match(bad.chains[0].firstBad, { problem: String });
  });
});

t.test('the console is served locally with a strict CSP', async (t) => {
  const dataDir = await reportedDataDir(t, ['2026-10']);
  const app = await exchange(t, dataDir);
  const page = await app.inject({ url: '/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.headers['content-security-policy'], /script-src 'self'/);
  t.notMatch(page.headers['content-security-policy'], /unsafe-inline|unsafe-eval/);
  t.notMatch(page.body, /https?:\/\/(?!localhost|127\.0\.0\.1)/, 'no other host');
  t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const app_js = await app.inject({ url: '/console/app.js' });
  t.equal(app_js.statusCode, 200);
  t.match(app_js.headers['content-type'], /javascript/);
  t.equal((await app.inject({ url: '/console/../package.json' })).statusCode, 404);
  t.equal((await app.inject({ url: '/console/%2e%2e/package.json' })).statusCode, 404);
  t.equal((await app.inject({ url: '/console/nothing.js' })).statusCode, 404);
});
