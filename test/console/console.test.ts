/**
 * The steward console end to end: the demo's data (a small generated city, its cycle, published
 * over its planted faults, reports exported), the real server listening on a port, and Chromium
 * doing what a steward, an auditor, an analyst and a department administrator do. Screenshots of
 * the main pages go to test-output/screenshots/ (gitignored). Every page must be ready in < 1 s.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { demoKey } from '../../src/demo/demoAccess.js';
import { prepareDemo } from '../../src/demo/prepareDemo.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startServer } from '../../src/server.js';
import { AccessStore } from '../../src/share/accessStore.js';
import { tempDir } from '../helpers/warehouse.js';
import { chromiumAvailable, CHROMIUM, launchChromium } from './browser.js';

const SCREENSHOTS = join(PROJECT_ROOT, 'test-output', 'screenshots');

if (!chromiumAvailable()) {
  t.test('the steward console in Chromium', { skip: `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) to run the console's browser tests` }, async () => {});
} else {
  t.test('the steward console in Chromium against the demo\'s server', async (t) => {
    const root = tempDir(t, 'dx-console-');
    const started = Date.now();
    const dataDir = await prepareDemo({ root, persons: 2000, periods: ['2026-10', '2026-11'], seed: 2026, memoryLimit: '1GB' });
    t.comment(`demo data ready in ${Date.now() - started} ms`);
    const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', snapshotPollMs: 200 });
    t.teardown(() => server.close());
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const browser = await launchChromium();
    t.teardown(() => browser.close());
    mkdirSync(SCREENSHOTS, { recursive: true });

    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const offHost: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(base) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) offHost.push(request.url()); });
    const timings: Record<string, number> = {};

    /** Wait for the page to say it is ready; returns ms since `since`. */
    const ready = async (p: Page, id: string, since: number): Promise<number> => {
      await p.waitForSelector(`main[data-state="ready"][data-page="${id}"]`, { timeout: 10_000 });
      return Date.now() - since;
    };
    const open = async (p: Page, id: string, shot = true): Promise<void> => {
      const since = Date.now();
      await p.click(`#nav a[data-page="${id}"]`);
      const ms = await ready(p, id, since);
      timings[id] = Math.max(timings[id] ?? 0, ms);
      if (shot) await p.screenshot({ path: join(SCREENSHOTS, `${id}.png`), fullPage: true });
    };
    /** Do what re-renders the page (a filter, a row, an action) and wait for the new page; returns ms. */
    const rerendered = async (p: Page, id: string, action: () => Promise<unknown>): Promise<number> => {
      const before = await p.$('main .page-content');
      const since = Date.now();
      await action();
      if (before) await before.waitForElementState('hidden');
      return ready(p, id, since);
    };
    const login = async (p: Page, client: string): Promise<void> => {
      const since = Date.now();
      await p.goto(`${base}/`);
      timings.login = Math.max(timings.login ?? 0, await ready(p, 'login', since));
      await p.fill('#api-key', demoKey(root, client));
      const since2 = Date.now();
      await p.click('#login-form button[type="submit"]');
      await p.waitForSelector('main[data-state="ready"]:not([data-page="login"])');
      const first = (await p.getAttribute('main', 'data-page'))!;
      timings[first] = Math.max(timings[first] ?? 0, Date.now() - since2);
    };

    await t.test('log in as a steward; the key stays out of the URL', async (t) => {
      const since = Date.now();
      await page.goto(`${base}/`);
      await ready(page, 'login', since);
      await page.screenshot({ path: join(SCREENSHOTS, 'login.png') });
      await page.fill('#api-key', 'dxk_console-steward.wrong');
      await page.click('#login-form button[type="submit"]');
      await page.waitForSelector('#login-form .message.error');
      await login(page, 'console-steward');
      t.equal(await page.getAttribute('main', 'data-page'), 'cycle', 'the first page of a steward');
      const nav = await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page')));
      t.same(nav, ['cycle', 'quality', 'drilldown', 'reconciliation', 'cases', 'applications', 'audit', 'sharing']);
      t.notMatch(page.url(), /dxk_/, 'no key in the URL');
      t.equal(await page.evaluate(() => document.cookie), '', 'no cookie');
    });

    await t.test('open a period\'s report: the cycle, its batches and the publication with the override reason', async (t) => {
      await page.selectOption('main select[name="period"]', '2026-11');
      await ready(page, 'cycle', Date.now());
      const text = await page.textContent('main');
      t.match(text, /demo data: faults planted on purpose/, 'the override reason');
      t.ok((await page.$$('#batches tbody tr')).length >= 13, 'one row per department dataset');
      await page.screenshot({ path: join(SCREENSHOTS, 'cycle.png'), fullPage: true });
    });

    await t.test('quality with trend charts, then drill down to a quarantined row', async (t) => {
      await open(page, 'quality');
      t.equal((await page.$$('svg.chart')).length, 2, 'two charts');
      t.equal((await page.$$('svg.chart polyline')).length, 5, 'received, loaded, quarantined; errors, warnings');
      const quarantined = await page.$$eval('#quality-table tbody tr', (rows) => rows.map((r) => ({ connector: r.children[0]!.textContent, quarantined: Number((r.children[4]!.textContent ?? '').replace(/\D/g, '')) })));
      const target = quarantined.find((r) => r.quarantined > 0)!;
      t.ok(target, 'a department with quarantined rows');
      const since = Date.now();
      await page.click(`#quality-table a.drill[data-connector="${target.connector}"]`);
      timings.drilldown = await ready(page, 'drilldown', since);
      const rows = await page.$$('#drilldown-table tbody tr');
      t.equal(rows.length, Math.min(target.quarantined, 50));
      await rows[0]!.click();
      await page.waitForSelector('#row-detail pre.raw-line');
      const detail = await page.textContent('#row-detail');
      t.match(detail, new RegExp(target.connector!.split('/')[0]!), 'the file of the department');
      t.match(detail, /\d/, 'the line');
      await page.screenshot({ path: join(SCREENSHOTS, 'drilldown.png'), fullPage: true });
    });

    await t.test('CSV download of a table', async (t) => {
      await open(page, 'quality', false);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.csv[data-table="quality-2026-11"]')]);
      t.equal(download.suggestedFilename(), 'quality-2026-11.csv');
      const text = readFileSync((await download.path())!, 'utf8');
      t.ok(text.startsWith('\ufeff'), 'a BOM for spreadsheets');
      t.match(text, /police\/household-register/);
      t.ok(text.split('\r\n').length >= 15, 'header and one line per dataset');
    });

    await t.test('reconciliation: accept an ID repair with a reason (recorded and audited)', async (t) => {
      await open(page, 'reconciliation');
      const row = page.locator('#id-repairs tbody tr').first();
      const repairId = await row.getAttribute('data-repair');
      await row.locator('button.accept').click();
      await row.locator('.message.error').waitFor();
      await row.locator('input.reason').fill('checked against the birth register');
      await row.locator('button.accept').click();
      await row.locator('.state-accepted').waitFor();
      t.match(await row.textContent(), /checked against the birth register/);
      const decisions = readFileSync(join(dataDir, 'decisions', 'id-repairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      t.match(decisions, [{ repair_id: repairId, decision: 'accepted', decided_by: 'console-steward' }]);
      await page.reload();
      await ready(page, 'reconciliation', Date.now());
      t.match(await page.locator(`#id-repairs tr[data-repair="${repairId}"]`).textContent(), /checked against the birth register/, 'kept after reload');
      await page.screenshot({ path: join(SCREENSHOTS, 'reconciliation.png'), fullPage: true });
    });

    await t.test('cases: a steward confirms one with a reason; its status, its history and the audit trail show it', async (t) => {
      await open(page, 'cases');
      t.ok((await page.$$('#cases tbody tr')).length > 0, 'the demo\'s cross-checks opened cases');
      t.match(await page.textContent('#cases thead'), /编号.*规则.*对象.*期次.*金额.*摘要.*状态.*立案时间.*更新时间/);
      timings.cases = Math.max(timings.cases ?? 0, await rerendered(page, 'cases', () => page.selectOption('main select[name="status"]', 'open')));
      const statuses = await page.$$eval('#cases tbody tr', (rows) => rows.map((r) => r.getAttribute('data-status')));
      t.ok(statuses.length > 0 && statuses.every((s) => s === 'open'), 'filtered to the open cases');
      const row = page.locator('#cases tbody tr').first();
      const caseId = (await row.getAttribute('data-case'))!;
      timings['case-detail'] = await rerendered(page, 'cases', () => row.click());
      await page.waitForSelector(`#case-detail[data-case="${caseId}"][data-status="open"]`);
      t.match(await page.textContent('#case-history'), /crosscheck/, 'opened by the cross-check');
      t.same(await page.$$eval('#case-actions button', (b) => b.map((x) => x.getAttribute('data-action'))), ['confirm', 'dismiss'], 'what an open case allows');
      await page.click('#case-actions button.case-confirm');
      await page.waitForSelector('#case-actions .message.error');
      t.equal(await page.getAttribute('#case-detail', 'data-status'), 'open', 'no change without a reason');
      const reason = 'payments checked against the death register';
      await page.fill('#case-actions input.reason', reason);
      await rerendered(page, 'cases', () => page.click('#case-actions button.case-confirm'));
      await page.waitForSelector(`#case-detail[data-case="${caseId}"][data-status="confirmed"]`);
      t.match(await page.textContent('#case-history'), new RegExp(`console-steward.*${reason}`), 'the change in its history, with who and why');
      t.same(await page.$$eval('#case-actions button', (b) => b.map((x) => x.getAttribute('data-action'))), ['dismiss', 'resolve'], 'what a confirmed case allows');
      t.equal(await page.$(`#cases tr[data-case="${caseId}"]`), null, 'no longer among the open cases');
      await page.screenshot({ path: join(SCREENSHOTS, 'cases.png'), fullPage: true });

      const steward = { authorization: `Bearer ${demoKey(root, 'console-steward')}` };
      const detail = await (await fetch(`${base}/v1/cases/${caseId}`, { headers: steward })).json();
      t.match(detail, { caseId, status: 'confirmed', history: [{ event: 'opened', by: 'crosscheck' }, { event: 'confirm', status: 'confirmed', by: 'console-steward', reason }] }, 'GET /v1/cases/:id has it');
      const audited = await queryAudit(join(dataDir, 'audit'), { resource: 'cases' });
      t.ok(audited.some((r) => r.action === 'confirm' && r.client === 'console-steward' && r.outcome === 'allowed' && r.reason === reason), 'audited with who and why');

      await rerendered(page, 'cases', () => page.selectOption('main select[name="status"]', 'confirmed'));
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.csv[data-table="cases-confirmed"]')]);
      const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
      t.match(csv[0], /编号,规则,对象,期次,金额,摘要,状态,立案时间,更新时间/);
      t.ok(csv.some((line) => line.startsWith(`${caseId},`) && line.includes(',confirmed,')), 'the confirmed case in the CSV');
    });

    await t.test('applications waiting for a person: a clerk\'s application routed to manual review, its unmet rules, facts and sources', async (t) => {
      const truth = JSON.parse(readFileSync(join(root, 'drop', '2026-11', 'truth.json'), 'utf8')) as { pensionsAfterDeath: Array<{ idNumber: string }>; deathsNotCancelled: Array<{ idNumber: string }> };
      const applicant = (truth.pensionsAfterDeath[0] ?? truth.deathsNotCancelled[0])!.idNumber;
      const response = await fetch(`${base}/v1/applications/household-move-after-purchase`, {
        method: 'POST', headers: { authorization: `Bearer ${demoKey(root, 'household-registration-clerk')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'household registration', applicant_id: applicant, property_certificate: '蒙(2099)包头市不动产权第99999999号' }),
      });
      t.equal(response.status, 200);
      const decision = await response.json() as { id: string; decision: string; unmet: Array<{ rule: string }> };
      t.equal(decision.decision, 'manual_review', 'a dead applicant and a title nobody holds');
      await open(page, 'applications');
      const row = page.locator(`#applications tr[data-decision="${decision.id}"]`);
      t.equal(await row.count(), 1, 'the decision waits for a person');
      const unmet = await row.locator('ul.unmet li').evaluateAll((items) => items.map((li) => li.getAttribute('data-rule')));
      t.same(unmet, decision.unmet.map((u) => u.rule), 'each unmet rule named');
      t.ok(unmet.includes('applicant_alive') && unmet.includes('title_on_register'));
      t.match(await row.textContent(), /household-registration-clerk/, 'the clerk who asked');
      await row.locator('details.facts-used summary').click();
      const deceased = await row.locator('li[data-fact="applicant.deceased"]').textContent();
      t.match(deceased, /true.*(health|civil-affairs)/, 'the fact and the department it came from');
      t.match(await row.textContent(), /title: no property title/, 'what was looked for and not found');
      await page.screenshot({ path: join(SCREENSHOTS, 'applications.png'), fullPage: true });
    });

    await t.test('sharing: approve a pending conditional-sharing request', async (t) => {
      await open(page, 'sharing');
      const row = page.locator('#pending-requests tbody tr').filter({ hasText: 'transport-enforcement' }).first();
      const grantId = await row.getAttribute('data-grant');
      t.ok(grantId, 'the demo leaves transport\'s request pending');
      await row.locator('input.reason').fill('traffic enforcement law, art. 5');
      await row.locator('button.approve').click();
      await page.waitForSelector(`#grants tbody tr >> text=${grantId}`);
      t.equal(await page.$(`#pending-requests tr[data-grant="${grantId}"]`), null, 'no longer pending');
      const grant = new AccessStore(join(dataDir, 'access')).read().grants.find((g) => g.id === grantId)!;
      t.match(grant, { status: 'active', decidedBy: 'console-steward', reason: 'traffic enforcement law, art. 5' });
      await page.screenshot({ path: join(SCREENSHOTS, 'sharing.png'), fullPage: true });
    });

    await t.test('audit: verify the chain; an auditor searches it', async (t) => {
      await open(page, 'audit', false);
      await page.click('#verify-audit');
      await page.waitForSelector('#audit-verification');
      t.equal(await page.getAttribute('#audit-verification', 'data-ok'), 'true', 'the chain verifies');
      await page.click('#logout');
      await ready(page, 'login', Date.now());
      t.equal(await page.evaluate(() => sessionStorage.length), 0, 'the key is forgotten on logout');
      await login(page, 'console-auditor');
      const auditorPages = await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page')));
      t.ok(auditorPages.includes('applications') && !auditorPages.includes('cases'), 'an auditor sees the applications, not the cases (as the API allows)');
      await open(page, 'audit', false);
      await page.fill('#audit-search input[name="resource"]', 'id-repairs');
      await page.click('#audit-search button[type="submit"]');
      await page.waitForSelector('#audit-records tbody tr');
      t.match(await page.textContent('#audit-records'), /console-steward/, 'the steward\'s decision is in the trail');
      await page.click('#verify-audit');
      await page.waitForSelector('#audit-verification[data-ok="true"]');
      await page.screenshot({ path: join(SCREENSHOTS, 'audit.png'), fullPage: true });
      await page.fill('#audit-search input[name="resource"]', 'cases');
      await page.click('#audit-search button[type="submit"]');
      await page.waitForSelector('#audit-records tbody tr >> text=payments checked against the death register');
      t.match(await page.textContent('#audit-records'), /console-steward/, 'the steward\'s confirmation of a case is in the trail');
      const records = await queryAudit(join(dataDir, 'audit'), { resource: 'id-repairs', limit: 10 });
      t.ok(records.some((r) => r.action === 'accept' && r.client === 'console-steward' && r.reason === 'checked against the birth register'));
    });

    await t.test('English as a switch', async (t) => {
      await page.click('#lang');
      await page.waitForSelector('#nav a[data-page="audit"]');
      t.equal(await page.textContent('#nav a[data-page="quality"]'), 'Quality');
      await open(page, 'quality', false);
      await page.screenshot({ path: join(SCREENSHOTS, 'quality-en.png'), fullPage: true });
      await page.click('#lang');
      await page.waitForFunction(() => document.querySelector('#nav a[data-page="quality"]')?.textContent === '数据质量');
    });

    await t.test('an analyst reads but does not decide; a department administrator sees its own department', async (t) => {
      await page.click('#logout');
      await login(page, 'console-analyst');
      await open(page, 'reconciliation', false);
      t.equal(await page.$$eval('#id-repairs button.accept', (b) => b.length), 0, 'no accept buttons');
      t.equal(await page.$('#nav a[data-page="audit"]'), null, 'no audit page');
      t.equal(await page.$('#nav a[data-page="applications"]'), null, 'no applications page');
      await open(page, 'cases', false);
      await rerendered(page, 'cases', () => page.locator('#cases tbody tr').first().click());
      t.ok((await page.$$('#case-actions button')).length > 0, 'an analyst may change a case (the API allows it)');
      await page.click('#logout');
      await login(page, 'civil-affairs-admin');
      const nav = await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page')));
      t.same(nav, ['quality', 'drilldown', 'sharing']);
      await open(page, 'quality', false);
      const connectors = await page.$$eval('#quality-table tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent ?? ''));
      t.ok(connectors.length > 0 && connectors.every((c) => c.startsWith('civil-affairs/')), 'only civil affairs');
    });

    // Page times are shown, not asserted: on a loaded machine they measure the load (timing belongs in npm run bench).
    t.test('nothing off this host; no script errors; no key in the logs', async (t) => {
      t.comment(`page ready times (ms): ${JSON.stringify(timings)}`);
      t.same(offHost, [], 'no request leaves the server');
      t.same(pageErrors, [], 'no script errors');
      const audit = readdirSync(join(dataDir, 'audit')).map((f) => readFileSync(join(dataDir, 'audit', f), 'utf8')).join('');
      t.notMatch(audit, /dxk_/, 'no key in the audit trail');
      t.ok(readdirSync(SCREENSHOTS).filter((f) => f.endsWith('.png')).length >= 8, 'screenshots saved');
    });
  });
}
