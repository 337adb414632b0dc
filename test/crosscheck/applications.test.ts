/**
 * Automatic application review: rule files are checked with errors naming the file and the
 * place; a clerk's application is decided from the published registers (approved, or manual
 * review naming each unmet rule), recorded with its facts and sources, and audited; a new type
 * is a new file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadApplicationTypes, parseApplicationType } from '../../src/applications/applicationType.js';
import { DecisionStore } from '../../src/applications/decisionStore.js';
import { snapshotFactSources } from '../../src/applications/factSources.js';
import { reviewApplication } from '../../src/applications/reviewApplication.js';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { withPublishedSnapshot } from '../../src/payments/snapshotFacts.js';
import { auditDirOf } from '../../src/routes/audit.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';
import { runDx } from '../helpers/cli.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('application type files are checked', async (t) => {
  const types = loadApplicationTypes();
  t.ok(types.has('household-move-after-purchase') && types.has('disability-living-subsidy'), 'both shipped types load');
  const broken = JSON.stringify({ type: 'x', title: 'x', inputs: { applicant_id: { kind: 'id_number', description: '' } }, facts: { applicant: { from: 'person', key: 'input.applicant_id' } },
    rules: [{ id: 'r', says: 'r', when: { fact: 'spouse.deceased', equals: false } }, { id: 'r', says: 's', when: { fact: 'applicant.x', equals: 1, exists: true } }] });
  t.throws(() => parseApplicationType(broken, 'x.json'), /x\.json: .*rules\[0\] \(r\)\.when\.fact: "spouse\.deceased" is not .*rules\[1\]\.id: a unique name.*exactly one test/);
  t.throws(() => parseApplicationType('{', 'y.json'), /y\.json: not JSON/);
});

t.test('applications decided from the published registers', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const subjects = await withPublishedSnapshot(dataDir, async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT t.certificate_number AS certificate, p.id_number AS owner, p.spouse_id AS spouse
      FROM property_title AS t JOIN population AS p ON p.id_number = t.owner_id JOIN population AS s ON s.id_number = p.spouse_id
      WHERE t.co_owner_id IS NULL AND t.usage = '住宅' AND p.marital_status = 'married' AND NOT p.deceased AND NOT s.deceased AND s.register_status = 'normal'
      ORDER BY t.certificate_number LIMIT 2`);
    return reader.getRowObjectsJS() as Array<{ certificate: string; owner: string; spouse: string }>;
  });
  const [home, other] = subjects;
  const clerk = await client(dataDir, 'household-clerk', 'police', ['clerk']);
  const limited = await client(dataDir, 'limited-clerk', 'police', ['clerk']);
  const analyst = await client(dataDir, 'an-analyst', 'audit-office', ['analyst']);
  const purpose = 'household registration';
  await grant(dataDir, clerk.id, 'application-review', { decision: 'full', facts: 'full' }, [purpose]);
  await grant(dataDir, limited.id, 'application-review', { decision: 'full' }, [purpose]);
  const app = await exchange(t, dataDir);
  const apply = (who: { headers: Record<string, string> }, body: Record<string, string>, type = 'household-move-after-purchase') =>
    app.inject({ method: 'POST', url: `/v1/applications/${type}`, headers: who.headers, payload: { purpose, ...body } });

  const approved = await apply(clerk, { applicant_id: home!.spouse, property_certificate: home!.certificate });
  t.equal(approved.statusCode, 200, approved.body);
  const decision = approved.json();
  t.match(decision, { decision: 'approved', unmet: [], input: { applicant_id: home!.spouse } });
  t.match(decision.facts['title.owner_id'], { value: home!.owner, source: { department: 'real-estate', file: /不动产登记/, line: Number } });
  t.match(decision.facts['applicant.marital_status'], { value: 'married', source: { department: 'civil-affairs' } });

  const routed = await apply(clerk, { applicant_id: other!.spouse, property_certificate: home!.certificate });
  t.match(routed.json(), { decision: 'manual_review', unmet: [{ rule: 'title_in_applicant_or_spouse_name', says: /spouse/, why: /title\.owner_id is "\d+/ }] }, 'someone else\'s house: the unmet rule named');
  const missing = await apply(clerk, { applicant_id: home!.owner, property_certificate: '蒙(2099)包头市不动产权第99999999号' });
  t.match(missing.json(), { decision: 'manual_review', notFound: [/title: no property title/] });
  t.ok((missing.json().unmet as Array<{ rule: string }>).some((u) => u.rule === 'title_on_register'));

  const invalid = await apply(clerk, { applicant_id: '110102199101010079', property_certificate: 'x' });
  t.equal(invalid.statusCode, 400);
  t.match(invalid.json().message, /applicant_id "110102199101010079" is not a valid citizen ID number/);
  t.equal((await apply(clerk, { applicant_id: home!.owner })).statusCode, 400, 'a required input missing');
  t.equal((await apply(analyst, { applicant_id: home!.owner, property_certificate: 'x' })).statusCode, 403, 'not a clerk');
  const bare = await apply(limited, { applicant_id: home!.spouse, property_certificate: home!.certificate });
  t.equal(bare.json().decision, 'approved');
  t.notOk('facts' in bare.json(), 'facts only when granted');

  const subsidy = await apply(clerk, { applicant_id: home!.owner }, 'disability-living-subsidy');
  t.equal(subsidy.statusCode, 200, 'the second type, added as data');
  t.ok(['approved', 'manual_review'].includes(subsidy.json().decision));

  const fetched = await app.inject({ url: `/v1/applications/decisions/${decision.id}?purpose=household%20registration`, headers: clerk.headers });
  t.equal(fetched.statusCode, 200, fetched.body);
  t.same(fetched.json(), decision, 'the recorded decision');
  t.equal((await app.inject({ url: `/v1/applications/decisions/${decision.id}?purpose=household%20registration`, headers: limited.headers })).statusCode, 404, 'another clerk\'s decision');
  t.equal(new DecisionStore(dataDir).list().length, 5, 'every decision recorded');
  const audited = await queryAudit(auditDirOf(dataDir), { resource: 'application-review' });
  t.ok(audited.some((r) => r.outcome === 'allowed' && r.subjects.includes(decision.id) && r.subjects.includes(home!.spouse)), 'audited with the decision and the applicant');

  const cli = await runDx(['applications', 'review', 'household-move-after-purchase', `applicant_id=${home!.spouse}`, `property_certificate=${home!.certificate}`, '--data', dataDir]);
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout, /APPROVED automatically: all 7 rules met/);

  t.test('a new type is a new file', async (t) => {
    const dir = tempDir(t);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'senior-card.json'), JSON.stringify({
      type: 'senior-card', title: '老年优待证', inputs: { applicant_id: { kind: 'id_number', description: 'ID' } },
      facts: { applicant: { from: 'person', key: 'input.applicant_id' } },
      rules: [{ id: 'born_by_1966', says: 'Born in 1966 or earlier', when: { fact: 'applicant.birth_date', in: [] } },
        { id: 'registered', says: 'Registered in the city', when: { not: { fact: 'applicant.register_status', in: ['moved_out', 'deceased'] } } }],
    }));
    const type = loadApplicationTypes(dir).get('senior-card')!;
    const result = await withPublishedSnapshot(dataDir, (connection, pointer) =>
      reviewApplication(type, { applicant_id: home!.owner }, snapshotFactSources(connection, pointer.period), { by: 'test', period: pointer.period }));
    t.same(result.unmet.map((u) => u.rule), ['born_by_1966']);
    t.same(result.met, ['registered']);
  });
});
