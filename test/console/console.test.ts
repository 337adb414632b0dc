/**
 * The steward console end to end: the demo's data (a small generated city, its cycle, published
 * over its planted faults, reports exported), the real server listening on a port, and Chromium
 * doing what a steward, an analyst, an auditor and a department administrator do. Then every
 * page for every role, in Chinese and English, at 1440 and 390 px: no untranslated string, no
 * label the console lacks, no table cut off without a way to scroll; screenshots of each go to
 * test-output/screenshots/ (gitignored). No timing is asserted: waits are for what the page says.
 */
import { mkdirSync, readFileSync } from 'node:fs';
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
import { checkRendered } from './renderedText.js';

const SCREENSHOTS = join(PROJECT_ROOT, 'test-output', 'screenshots');
const WAIT = { timeout: 60_000 };
const ROLES = ['console-steward', 'console-analyst', 'console-auditor', 'civil-affairs-admin'] as const;

if (!chromiumAvailable()) {
  t.test('the steward console in Chromium', { skip: `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) to run the console's browser tests` }, async () => {});
} else {
  t.test('the steward console in Chromium against the demo\'s server', async (t) => {
    const root = tempDir(t, 'dx-console-');
    const dataDir = await prepareDemo({ root, persons: 2000, periods: ['2026-10', '2026-11'], seed: 2026, memoryLimit: '1GB' });
    // The walk reads every page for every role in both languages at two widths, faster than any
    // person: each client's per-minute limits are lifted here (test/security/ holds them to account).
    const server = await startServer({ dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', snapshotPollMs: 200, rateLimits: { read: 1_000_000, page: 1_000_000, change: 1_000_000, bulk: 1_000_000, operations: 1_000_000 } });
    t.teardown(() => server.close());
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const browser = await launchChromium();
    t.teardown(() => browser.close());
    mkdirSync(SCREENSHOTS, { recursive: true });

    const page = await browser.context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const offHost: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(base) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) offHost.push(request.url()); });

    const ready = (p: Page, id: string) => p.waitForSelector(`main[data-state="ready"][data-page="${id}"]`, WAIT);
    const open = async (p: Page, id: string): Promise<void> => {
      await p.click(`#nav a[data-page="${id}"]`, { force: true }).catch(async () => p.goto(`${base}/#/${id}`));
      await ready(p, id);
    };
    const goto = async (p: Page, id: string, query = ''): Promise<void> => {
      await p.goto(`${base}/#/${id}${query}`);
      await ready(p, id);
    };
    /** Do what re-renders the page and wait for the new page. */
    const rerendered = async (p: Page, id: string, action: () => Promise<unknown>): Promise<void> => {
      const before = await p.$('main .page-content');
      await action();
      if (before) await before.waitForElementState('hidden', WAIT);
      await ready(p, id);
    };
    const login = async (p: Page, client: string): Promise<void> => {
      await p.goto(`${base}/`);
      await ready(p, 'login');
      await p.fill('#api-key', demoKey(root, client));
      await p.click('#login-form button[type="submit"]');
      await p.waitForSelector('main[data-state="ready"]:not([data-page="login"])', WAIT);
    };
    const logout = async (p: Page) => {
      await p.evaluate(() => { sessionStorage.clear(); });
    };
    const steward = { authorization: `Bearer ${demoKey(root, 'console-steward')}` };

    await t.test('log in as a steward; the key stays out of the URL and cookies', async (t) => {
      await page.goto(`${base}/`);
      await ready(page, 'login');
      await page.fill('#api-key', 'dxk_console-steward.wrong');
      await page.click('#login-form button[type="submit"]');
      await page.waitForSelector('#login-form .message.error');
      await login(page, 'console-steward');
      t.equal(await page.getAttribute('main', 'data-page'), 'cycle', 'the first page of a steward');
      const nav = await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page')));
      t.same(nav, ['cycle', 'quality', 'drilldown', 'deliveries', 'lineage', 'reconciliation', 'cases', 'applications', 'audit', 'sharing']);
      t.notMatch(page.url(), /dxk_/, 'no key in the URL');
      t.equal(await page.evaluate(() => document.cookie), '', 'no cookie');
    });

    await t.test('a steward accepts every repair of one evidence class with one reason, told when it takes effect', async (t) => {
      await goto(page, 'reconciliation', '?period=2026-11');
      const classes = await page.$$eval('#id-repairs tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.evidenceClass));
      const chosen = classes.find((c, i) => classes.indexOf(c) !== i)!;
      t.ok(chosen, 'a class with more than one repair');
      const inClass = await page.$$eval(`#id-repairs tbody tr[data-evidence-class="${chosen}"]`, (rows) => rows.map((r) => (r as HTMLElement).dataset.repair!));
      t.ok(inClass.length >= 2);
      t.ok(await page.$$eval('#id-repairs .compare mark', (m) => m.length) >= inClass.length, 'the differing characters are marked');
      await page.selectOption('select[name="evidence-class"]', chosen);
      await page.click('#bulk-decide button.accept');
      await page.waitForSelector('#bulk-decide .message.error');
      t.equal(await page.$('#bulk-decide .confirm'), null, 'no confirmation without a reason');
      await page.fill('#bulk-decide input.reason', 'checked against the birth register, one keystroke each');
      await page.click('#bulk-decide button.accept');
      await page.waitForSelector('#bulk-decide .confirm');
      t.match(await page.textContent('#bulk-decide .confirm'), /下次治理时/, 'the confirmation says when the decision takes effect');
      await rerendered(page, 'reconciliation', () => page.click('#bulk-decide .confirm-yes'));
      t.match(await page.textContent('#bulk-effect'), new RegExp(`${inClass.length} 条决定`), 'the page says how many were recorded and when they take effect');
      const decisions = readFileSync(join(dataDir, 'decisions', 'id-repairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { repair_id: string; decision: string; reason: string; decided_by: string });
      t.same(decisions.map((d) => d.repair_id).sort(), [...inClass].sort(), 'one decision per repair of the class, none other');
      t.ok(decisions.every((d) => d.decision === 'accepted' && d.decided_by === 'console-steward' && d.reason === 'checked against the birth register, one keystroke each'));
      for (const id of inClass) t.match(await page.textContent(`#id-repairs tr[data-repair="${id}"]`), /已接受/);
      const audited = await queryAudit(join(dataDir, 'audit'), { resource: 'id-repairs' });
      t.ok(audited.some((r) => r.action === 'accept-many' && r.client === 'console-steward' && inClass.every((id) => r.subjects.includes(id))), 'audited with every repair');
    });

    await t.test('a steward decides a waiting application with a reason and a confirmation', async (t) => {
      const truth = JSON.parse(readFileSync(join(root, 'drop', '2026-11', 'truth.json'), 'utf8')) as { pensionsAfterDeath: Array<{ idNumber: string }>; deathsNotCancelled: Array<{ idNumber: string }> };
      const applicant = (truth.pensionsAfterDeath[0] ?? truth.deathsNotCancelled[0])!.idNumber;
      const response = await fetch(`${base}/v1/applications/household-move-after-purchase`, {
        method: 'POST', headers: { authorization: `Bearer ${demoKey(root, 'household-registration-clerk')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'household registration', applicant_id: applicant, property_certificate: '蒙(2099)包头市不动产权第99999999号' }),
      });
      const decision = await response.json() as { id: string; decision: string; unmet: Array<{ rule: string }> };
      t.equal(decision.decision, 'manual_review', 'a dead applicant and a title nobody holds');
      await open(page, 'applications');
      const row = page.locator(`#applications tr[data-decision="${decision.id}"]`);
      t.equal(await row.count(), 1, 'the decision waits for a person');
      t.same(await row.locator('ul.unmet li').evaluateAll((items) => items.map((li) => li.getAttribute('data-rule'))), decision.unmet.map((u) => u.rule), 'each unmet rule named');
      t.match(await row.locator('ul.unmet').textContent(), /没有部门记录申请人死亡/, 'the rule said in Chinese');
      await row.locator('button.refuse').click();
      await row.locator('.message.error').waitFor();
      await row.locator('input.reason').fill('the applicant has died; the title is not on the register');
      await row.locator('button.refuse').click();
      await row.locator('.confirm').waitFor();
      await rerendered(page, 'applications', () => row.locator('.confirm-yes').click());
      await page.waitForSelector(`#applications tr[data-decision="${decision.id}"] [data-reviewed="refused"]`);
      const reviews = await (await fetch(`${base}/v1/applications/reviews`, { headers: steward })).json() as { reviews: Array<{ id: string; decision: string; decidedBy: string }> };
      t.match(reviews.reviews.find((r) => r.id === decision.id), { decision: 'refused', decidedBy: 'console-steward' }, 'recorded');
    });

    await t.test('a steward walks lineage from a published field to its file and lines, and back', async (t) => {
      await goto(page, 'lineage', `?period=2026-11&node=${encodeURIComponent('field:population_view.deceased')}`);
      const nodes = await page.$$eval('#lineage-graph g.node', (g) => g.map((n) => n.getAttribute('data-node')));
      t.ok(nodes.includes('model:int_deaths'), 'the model');
      t.ok(nodes.includes('table:death_record'), 'the canonical table');
      t.ok(nodes.includes('dataset:health/death-certificate') && nodes.includes('dataset:civil-affairs/cremation-record'), 'the datasets that attest deaths');
      t.ok(nodes.some((n) => n?.startsWith('file:health/')), 'the period\'s file');
      t.notOk(nodes.includes('dataset:tax/tax-registration'), 'not what does not feed it');
      await rerendered(page, 'lineage', () => page.click('#lineage-graph g.node[data-node="dataset:health/death-certificate"]'));
      t.equal(await page.getAttribute('#lineage-graph', 'data-node'), 'dataset:health/death-certificate');
      const fed = await page.$$eval('#lineage-graph g.node', (g) => g.map((n) => n.getAttribute('data-node')));
      t.ok(fed.includes('field:population_view.deceased') && fed.includes('field:population_view.death_date'), 'forward from the dataset to the fields it feeds');
      await rerendered(page, 'drilldown', () => page.click('#lineage-lines'));
      t.match(page.url(), /connector=health%2Fdeath-certificate/);
      const lines = await page.$$eval('#drilldown-table tbody tr', (rows) => rows.map((r) => r.children[2]!.textContent));
      t.ok(lines.length > 0 && lines.every((l) => /^\d[\d,]*$/.test(l ?? '')), 'its lines, by number');
      await page.locator('#drilldown-table tbody tr').first().click();
      await page.waitForSelector('#row-detail pre.raw-line');
      await rerendered(page, 'lineage', () => page.click('#drilldown-lineage'));
      t.equal(await page.getAttribute('#lineage-graph', 'data-node'), 'dataset:health/death-certificate', 'and back to the lineage of the dataset');
    });

    await t.test('a steward sees the submission calendar', async (t) => {
      await open(page, 'deliveries');
      const rows = await page.$$eval('#deliveries tbody tr', (r) => r.map((x) => (x as HTMLElement).dataset.connector));
      t.ok(rows.length >= 13, 'one row per department dataset');
      const cells = await page.$$eval('#deliveries .delivery', (d) => d.map((x) => ({ status: (x as HTMLElement).dataset.status, period: (x as HTMLElement).dataset.period, text: x.textContent })));
      t.same([...new Set(cells.map((c) => c.period))].sort(), ['2026-10', '2026-11']);
      t.ok(cells.every((c) => ['on_time', 'late', 'missing', 'awaited'].includes(c.status!)));
      t.ok(cells.filter((c) => c.status === 'on_time' || c.status === 'late').every((c) => /截止日期 \d{4}-\d{2}-\d{2}/.test(c.text ?? '') && /受理时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(c.text ?? '')), 'due and received, as unambiguous dates');
    });

    await t.test('an approval without a reason is refused; with one, after a confirmation, it stands', async (t) => {
      await open(page, 'sharing');
      const row = page.locator('#pending-requests tbody tr').filter({ hasText: 'transport-enforcement' }).first();
      const grantId = (await row.getAttribute('data-grant'))!;
      await row.locator('button.approve').click();
      await row.locator('.message.error').waitFor();
      t.equal(await row.locator('.confirm').count(), 0, 'no confirmation offered without a reason');
      const direct = await fetch(`${base}/v1/requests/${grantId}/approve`, { method: 'POST', headers: { ...steward, 'content-type': 'application/json' }, body: '{}' });
      t.equal(direct.status, 400, 'the API refuses an approval without a reason too');
      t.equal(new AccessStore(join(dataDir, 'access')).read().grants.find((g) => g.id === grantId)!.status, 'pending', 'still pending');
      await row.locator('input.reason').fill('traffic enforcement law, art. 5');
      await row.locator('button.approve').click();
      await row.locator('.confirm').waitFor();
      t.match(await row.locator('.confirm').textContent(), /立即生效/, 'the confirmation says it takes effect at once');
      await rerendered(page, 'sharing', () => row.locator('.confirm-yes').click());
      await page.waitForSelector(`#grants tr[data-grant="${grantId}"]`);
      t.match(new AccessStore(join(dataDir, 'access')).read().grants.find((g) => g.id === grantId)!, { status: 'active', decidedBy: 'console-steward', reason: 'traffic enforcement law, art. 5' });
    });

    await t.test('CSV of ID numbers keeps them as text for spreadsheets', async (t) => {
      await goto(page, 'reconciliation', '?period=2026-11');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.csv[data-table="conflicts-2026-11"]')]);
      const bytes = readFileSync((await download.path())!);
      t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
      t.match(bytes.toString('utf8'), /"=""\d{17}[\dX]"""/, 'an ID number written as ="…"');
    });

    await t.test('an analyst assigns and annotates a case and sees each rule\'s outcome rate', async (t) => {
      await logout(page);
      await login(page, 'console-analyst');
      await open(page, 'cases');
      const amounts = await page.$$eval('#cases tbody tr', (rows) => rows.map((r) => Number((r.children[4]!.textContent ?? '').replace(/[¥,]/g, '') || '0')));
      t.same(amounts, [...amounts].sort((a, b) => b - a), 'the most money first');
      const row = page.locator('#cases tbody tr').first();
      const caseId = (await row.getAttribute('data-case'))!;
      await rerendered(page, 'cases', () => row.click());
      await page.waitForSelector(`#case-detail[data-case="${caseId}"]`);
      t.notMatch(await page.textContent('#case-evidence'), /^\s*\{/, 'the evidence as facts, not a JSON blob');
      await page.fill('#case-work input[name="assignee"]', 'console-analyst');
      await rerendered(page, 'cases', () => page.click('#case-assign'));
      t.equal(await page.getAttribute('#case-work', 'data-assignee'), 'console-analyst');
      await page.fill('#case-work textarea[name="note"]', 'called the pension office; payments stopped in November');
      await rerendered(page, 'cases', () => page.click('#case-add-note'));
      t.match(await page.textContent('#case-notes'), /called the pension office/);
      t.match(await page.textContent(`#cases tr[data-case="${caseId}"]`), /console-analyst/, 'the list says who works on it');
      const work = await (await fetch(`${base}/v1/cases/${caseId}/work`, { headers: steward })).json();
      t.match(work, { assignee: 'console-analyst', notes: [{ by: 'console-analyst', text: 'called the pension office; payments stopped in November' }] });

      const rule = await (await fetch(`${base}/v1/cases/${caseId}`, { headers: steward })).json() as { rule: string; firstPeriod: string };
      await page.fill('#case-actions input.reason', 'confirmed with the pension office');
      await page.click('#case-actions button.case-confirm');
      await page.waitForSelector('#case-actions .confirm');
      await rerendered(page, 'cases', () => page.click('#case-actions .confirm-yes'));
      await page.waitForSelector(`#case-detail[data-case="${caseId}"][data-status="confirmed"]`);
      const rate = await page.textContent(`#rule-outcomes tr[data-rule="${rule.rule}"][data-period="${rule.firstPeriod}"]`);
      const outcomes = await (await fetch(`${base}/v1/cases/outcomes`, { headers: steward })).json() as { outcomes: Array<{ rule: string; period: string; confirmed: number; dismissed: number; rate: number }> };
      const mine = outcomes.outcomes.find((o) => o.rule === rule.rule && o.period === rule.firstPeriod)!;
      t.ok(mine.confirmed >= 1 && mine.rate > 0, 'the confirmation counts for its rule');
      t.match(rate, /%/, 'the rate on the page');
    });

    await t.test('a department administrator sees only its own figures', async (t) => {
      await logout(page);
      await login(page, 'civil-affairs-admin');
      t.same(await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page'))), ['quality', 'drilldown', 'deliveries', 'sharing']);
      await goto(page, 'quality', '?period=2026-11');
      const connectors = await page.$$eval('#quality-table tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent ?? ''));
      t.ok(connectors.length > 0 && connectors.every((c) => c.startsWith('civil-affairs/')), 'only civil affairs');
      const totals = await page.$eval('#quality-totals', (el) => Number((el as HTMLElement).dataset.read));
      const city = await (await fetch(`${base}/v1/reports/2026-11`, { headers: steward })).json() as { totals: { rows_read: number }; departments: Array<{ connector: string; rows_read: number }> };
      const own = city.departments.filter((d) => d.connector.startsWith('civil-affairs/')).reduce((s, d) => s + d.rows_read, 0);
      t.equal(totals, own, 'its totals are its own departments\'');
      t.not(totals, city.totals.rows_read, 'not the city\'s');
      const bars = await page.$$eval('svg.bars text.label', (l) => l.map((x) => x.textContent ?? ''));
      t.ok(bars.length > 0 && bars.every((b) => b.startsWith('civil-affairs/')), 'the chart too');
      await open(page, 'deliveries');
      const calendar = await page.$$eval('#deliveries tbody tr', (r) => r.map((x) => (x as HTMLElement).dataset.connector ?? ''));
      t.ok(calendar.length > 0 && calendar.every((c) => c.startsWith('civil-affairs/')), 'and its own calendar');
    });

    await t.test('an auditor verifies the audit chain and finds the steward\'s decisions in it', async (t) => {
      await logout(page);
      await login(page, 'console-auditor');
      await open(page, 'audit');
      await page.click('#verify-audit');
      await page.waitForSelector('#audit-verification[data-ok="true"]');
      await page.fill('#audit-search input[name="resource"]', 'id-repairs');
      await rerendered(page, 'audit', () => page.click('#audit-search button[type="submit"]'));
      t.match(await page.textContent('#audit-records'), /console-steward/, 'the steward\'s bulk decision is in the trail');
      t.match(await page.textContent('#audit-records'), /accept-many/);
    });

    await t.test('every page, every role, both languages, 1440 and 390 px: no untranslated string, no clipped table', async (t) => {
      for (const role of ROLES) {
        await logout(page);
        await login(page, role);
        const pages = await page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-page')!));
        for (const lang of ['zh', 'en'] as const) {
          await page.evaluate((l) => localStorage.setItem('dx.lang', l), lang);
          for (const width of [1440, 390]) {
            await page.setViewportSize({ width, height: 900 });
            for (const id of pages) {
              await page.goto(`${base}/#/${id}`);
              await page.reload();
              await ready(page, id);
              const check = await checkRendered(page, lang);
              const where = `${role} ${id} ${lang} ${width}px`;
              t.same(check.untranslated, [], `${where}: no untranslated string`);
              t.same(check.missingLabels, [], `${where}: no label missing`);
              t.same(check.clippedTables, [], `${where}: every wide table scrolls and says so`);
              t.equal(check.overflowsPage, false, `${where}: nothing wider than the screen`);
              if (width === 390) t.equal(await page.isVisible('#nav'), false, `${where}: the navigation folds away`);
              await page.screenshot({ path: join(SCREENSHOTS, `${role}-${id}-${lang}-${width}.png`), fullPage: true });
            }
          }
        }
      }
      await page.setViewportSize({ width: 390, height: 900 });
      await page.click('#menu');
      t.equal(await page.isVisible('#nav'), true, 'the menu button opens the navigation');
      await page.evaluate(() => localStorage.setItem('dx.lang', 'zh'));
    });

    t.test('nothing off this host; no script errors; no key in the audit', async (t) => {
      t.same(offHost, [], 'no request leaves the server');
      t.same(pageErrors, [], 'no script errors');
      const audit = await queryAudit(join(dataDir, 'audit'), { limit: 100000 });
      t.notMatch(JSON.stringify(audit), /dxk_/, 'no key in the audit trail');
    });
  });
}
