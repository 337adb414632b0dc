/**
 * `npm run demo`: a sample city, its monthly cycle for two periods, and the API on localhost,
 * with what to try next. DX_DEMO_DIR (default ./data/demo), DX_DEMO_PERSONS (default 20,000),
 * PORT (default 8080).
 */
import { existsSync } from 'node:fs';
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
  }
  const latest = periods[periods.length - 1]!;
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
The API is on http://127.0.0.1:${port} (Ctrl-C to stop). Try:

  curl -s http://127.0.0.1:${port}/health
  npm run dx -- report checks --period ${latest} --data ${data}
  npm run dx -- report checks --period ${latest} --data ${data} --format json
  npm run dx -- report quarantine --period ${latest} --data ${data}
  npm run dx -- report failures --period ${latest} --data ${data} --rule format:id_number
  npm run dx -- report reconciliation --period ${latest} --data ${data} --format json
  npm run dx -- publish --period ${latest} --data ${data} --override-reason "demo data: faults planted on purpose"
  npm run dx -- cycle --period ${latest} --source ${shown(join(root, 'drop', latest))} --data ${data}

The departments' files are in ${shown(join(root, 'drop'))}, one folder per period, with the faults the
generator planted listed in truth.json.`);
const stop = () => { void server.close().then(() => process.exit(0)); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
