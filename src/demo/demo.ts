/**
 * `npm run demo`: a sample city, its monthly cycle for two periods, and the API on localhost,
 * with what to try next. DX_DEMO_DIR (default ./data/demo), DX_DEMO_PERSONS (default 20,000),
 * PORT (default 8080).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConnectorSet } from '../connectors/manifest.js';
import { runCycle } from '../cycle/runCycle.js';
import { generateCity } from '../fixtures/city.js';
import { checksReport, renderChecksReport } from '../report/checksReport.js';
import { reconciliationReport } from '../report/reconciliationReport.js';
import { renderReconciliation } from '../report/renderReconciliation.js';
import { connectorIdsOf } from '../cycle/runCycle.js';
import { startServer } from '../server.js';
import { Warehouse } from '../store/warehouse.js';
import { publishPeriod } from '../govern/publish.js';
import { readPointer } from '../share/publishedSnapshot.js';
import { ensureDemoAccess } from './demoAccess.js';
import { crossCheckPeriod } from '../crosscheck/crossCheckPeriod.js';

const root = resolve(process.env.DX_DEMO_DIR ?? 'data/demo');
const persons = Number(process.env.DX_DEMO_PERSONS ?? 20_000);
const port = Number(process.env.PORT ?? 8080);
const periods = ['2026-10', '2026-11'];
const seed = 2026;
const shown = (path: string) => relative(process.cwd(), path) || '.';
const say = (text = '') => process.stdout.write(`${text}\n`);

const dataDir = join(root, 'data');
const set = loadConnectorSet();
const warehouse = await Warehouse.open(dataDir);
try {
  for (const period of periods) {
    const drop = join(root, 'drop', period);
    if (!existsSync(join(drop, 'truth.json'))) {
      say(`Generating a city of ${persons.toLocaleString('en-US')} persons for ${period} in ${shown(drop)} …`);
      await generateCity({ persons, seed, period, out: drop });
    }
    const started = Date.now();
    const result = await runCycle(warehouse, set, { period, source: drop });
    const loaded = result.collect.attempts.filter((a) => a.status === 'loaded').length;
    say(`Cycle ${period}: ${loaded} of ${result.collect.attempts.length} batches collected, checked and governed in ${((Date.now() - started) / 1000).toFixed(1)} s; ${result.publication && 'refused' in result.publication ? 'not published (blocking findings)' : 'published'}.`);
    const checked = await crossCheckPeriod(warehouse, period);
    say(`Cross-checks ${period}: ${checked.findings} findings, ${checked.casesOpened} new cases.`);
  }
  const latest = periods[periods.length - 1]!;
  if (readPointer(dataDir)?.period !== latest) {
    // The demo city carries planted faults on purpose: the steward publishes over them, with the reason recorded.
    await publishPeriod(warehouse, connectorIdsOf(set), { period: latest, publishedBy: 'demo-steward', overrideReason: 'demo data: faults planted on purpose' });
  }
  const sample = await warehouse.one<{ alive: string; dead: string; company: string }>(
    `SELECT (SELECT min(id_number) FROM population_view WHERE period = $p AND NOT deceased AND register_status = 'normal') AS alive,
            (SELECT min(id_number) FROM population_view WHERE period = $p AND deceased) AS dead,
            (SELECT min(uscc) FROM legal_entity_view WHERE period = $p AND uscc_valid) AS company`, { p: latest });
  // An application to try: a married resident asking to move into the house their spouse owns.
  const home = await warehouse.one<{ applicant: string; certificate: string }>(
    `SELECT p.spouse_id AS applicant, t.certificate_number AS certificate
     FROM property_titles AS t JOIN population_view AS p ON p.period = t.period AND p.id_number = t.owner_id
     JOIN population_view AS s ON s.period = t.period AND s.id_number = p.spouse_id
     WHERE t.period = $p AND t.usage = '住宅' AND p.marital_status = 'married' AND NOT p.deceased AND NOT s.deceased AND s.register_status = 'normal'
     ORDER BY t.certificate_number LIMIT 1`, { p: latest });
  writeFileSync(join(root, 'sample-ids.env'), `PERSON=${sample!.alive}\nDECEASED=${sample!.dead}\nCOMPANY=${sample!.company}\nAPPLICANT=${home?.applicant ?? ''}\nCERTIFICATE='${home?.certificate ?? ''}'\n`);
  say();
  say(renderChecksReport(await checksReport(warehouse, latest, connectorIdsOf(set))));
  say();
  say(renderReconciliation(await reconciliationReport(warehouse, latest, connectorIdsOf(set))));
} finally {
  warehouse.close();
}
await ensureDemoAccess(root, dataDir);

const server = await startServer({ port, host: '127.0.0.1', dataDir, logLevel: 'warn' });
const data = shown(dataDir);
const latest = periods[periods.length - 1]!;
say(`
The API is on http://127.0.0.1:${port} (OpenAPI at /docs; Ctrl-C to stop). Demo clients' API keys are in
${shown(join(root, 'keys'))}/, sample subjects in ${shown(join(root, 'sample-ids.env'))}. Try (the README explains each):

  . ${shown(join(root, 'sample-ids.env'))}; KEY=$(cat ${shown(join(root, 'keys'))}/civil-affairs-portal.key)
  curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:${port}/v1/persons/$PERSON?purpose=minimum%20living%20allowance%20review"
  curl -s -H "Authorization: Bearer $(cat ${shown(join(root, 'keys'))}/transport-enforcement.key)" "http://127.0.0.1:${port}/v1/persons/$PERSON?purpose=enforcement"
  curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:${port}/v1/persons/$DECEASED/verify/alive?purpose=minimum%20living%20allowance%20review"
  npm run dx -- cases --period ${latest} --rule pension_after_death --data ${data}
  npm run dx -- check payments ${shown(join(root, 'drop', latest, 'social-security'))}/养老金发放明细_${latest.replace('-', '')}.csv --data ${data}
  npm run dx -- applications review household-move-after-purchase applicant_id=$APPLICANT property_certificate="$CERTIFICATE" --data ${data}
  npm run dx -- report reconciliation --period ${latest} --data ${data}
  npm run dx -- audit verify --data ${data}

The departments' files are in ${shown(join(root, 'drop'))}, one folder per period, with the faults the
generator planted listed in truth.json.`);
const stop = () => { void server.close().then(() => process.exit(0)); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
