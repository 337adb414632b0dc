/**
 * `npm run demo`: a sample city, its monthly cycle for two periods, and the API on localhost,
 * with what to try next. DX_DEMO_DIR (default ./data/demo), DX_DEMO_PERSONS (default 20,000),
 * PORT (default 8080).
 */
import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { config } from '../config.js';
import { loadConnectorSet } from '../connectors/manifest.js';
import { checksReport, renderChecksReport } from '../report/checksReport.js';
import { reconciliationReport } from '../report/reconciliationReport.js';
import { renderReconciliation } from '../report/renderReconciliation.js';
import { connectorIdsOf } from '../cycle/runCycle.js';
import { startServer } from '../server.js';
import { assertPortFree } from '../portFree.js';
import { Warehouse } from '../store/warehouse.js';
import { CONSOLE_USERS } from './demoAccess.js';
import { prepareDemo } from './prepareDemo.js';

const root = resolve(config().DX_DEMO_DIR);
const persons = config().DX_DEMO_PERSONS;
const port = config().PORT;
const periods = ['2026-10', '2026-11'];
const seed = 2026;
const shown = (path: string) => relative(process.cwd(), path) || '.';
const say = (text = '') => process.stdout.write(`${text}\n`);

await assertPortFree(port, '127.0.0.1'); // before the city is built, not after
const dataDir = await prepareDemo({
  root, persons, periods, seed, say,
  onCycle: (result, ms) => {
    const loaded = result.collect.attempts.filter((a) => a.status === 'loaded').length;
    say(`Cycle ${result.period}: ${loaded} of ${result.collect.attempts.length} batches collected, checked and governed in ${(ms / 1000).toFixed(1)} s; ${result.publication && 'refused' in result.publication ? 'not published (blocking findings)' : 'published'}.`);
    if (result.crosscheck) say(`Cross-checks ${result.period}: ${result.crosscheck.findings} findings, ${result.crosscheck.casesOpened} new cases.`);
  },
});
const set = loadConnectorSet();
const warehouse = await Warehouse.open(dataDir);
try {
  const latest = periods[periods.length - 1]!;
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
  npm run dx -- status --period ${latest} --data ${data}
  npm run dx -- report reconciliation --period ${latest} --data ${data}
  npm run dx -- audit verify --data ${data}

The steward console is at http://localhost:${port}/ : log in with one of these keys (Chinese labels;
"English" switches), e.g. copy it with  cat ${shown(join(root, 'keys'))}/console-steward.key
${CONSOLE_USERS.map((u) => `  ${u.role.padEnd(44)} ${shown(join(root, 'keys', `${u.client}.key`))}`).join('\n')}

The departments' files are in ${shown(join(root, 'drop'))}, one folder per period, with the faults the
generator planted listed in truth.json.`);
const stop = () => { void server.close().then(() => process.exit(0)); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
