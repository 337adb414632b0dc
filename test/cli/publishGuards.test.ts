// Publishing that cannot hurt by accident: each footgun is refused with what to do instead.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { readCycleStatus } from '../../src/cycle/cycleStatus.js';
import { connectorIdsOf, runCycle } from '../../src/cycle/runCycle.js';
import { publishPeriod } from '../../src/govern/publish.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { readPointer } from '../../src/share/publishedSnapshot.js';
import { Warehouse } from '../../src/store/warehouse.js';
import { runDx } from '../helpers/cli.js';
import { tempDir } from '../helpers/warehouse.js';

const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');
const set = loadConnectorSet();
const ids = connectorIdsOf(set);

async function governed(dataDir: string, runs: Array<{ period: string; source: string }>): Promise<void> {
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    for (const run of runs) await runCycle(warehouse, set, { ...run, until: 'govern' });
  } finally {
    warehouse.close();
  }
}

t.test('an empty register (a run with the wrong --period) is not published by an override reason alone', async (t) => {
  const dataDir = join(tempDir(t, 'dx-guard-'), 'data');
  await governed(dataDir, [{ period: '2026-12', source: join(SAMPLE, '2026-11') }]);
  const refused = await runDx(['publish', '--data', dataDir, '--period', '2026-12', '--override-reason', 'late files']);
  t.equal(refused.code, 2, 'not publishable');
  t.match(refused.stderr, /the population view is empty \(0 persons\).*--force/s);
  t.equal(refused.stdout, '');
  t.equal(readPointer(dataDir), undefined, 'nothing is served');
  const forced = await runDx(['publish', '--data', dataDir, '--period', '2026-12', '--override-reason', 'deliberately empty test', '--force']);
  t.equal(forced.code, 0, forced.stderr);
  t.match(forced.stdout, /Published 2026-12 .*forced past: the population view is empty/);
  t.same(readCycleStatus(dataDir, '2026-12')!.publication!.forced.length > 0, true, 'the forcing is recorded');
});

t.test('a view that shrank by more than the declared fraction needs --force', async (t) => {
  const dataDir = join(tempDir(t, 'dx-guard-'), 'data');
  const drop = join(tempDir(t, 'dx-drop-'), '2026-11');
  cpSync(join(SAMPLE, '2026-11'), drop, { recursive: true });
  rmSync(join(drop, 'police'), { recursive: true }); // the population's backbone did not arrive
  await governed(dataDir, [{ period: '2026-10', source: join(SAMPLE, '2026-10') }, { period: '2026-11', source: drop }]);
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    await publishPeriod(warehouse, ids, { period: '2026-10', publishedBy: 't', overrideReason: 'sample' });
    await t.rejects(publishPeriod(warehouse, ids, { period: '2026-11', publishedBy: 't', overrideReason: 'police file late' }),
      /population view (is empty|shrank by [0-9.]+% against the served 2026-10).*publish with --force/s);
    t.equal(readPointer(dataDir)!.period, '2026-10', 'the served period is unchanged');
  } finally {
    warehouse.close();
  }
});

t.test('moving the served period backwards needs --rollback; an override reason given when none was needed is recorded and said', async (t) => {
  const dataDir = join(tempDir(t, 'dx-guard-'), 'data');
  await governed(dataDir, ['2026-10', '2026-11'].map((period) => ({ period, source: join(SAMPLE, period) })));
  for (const period of ['2026-10', '2026-11']) {
    const published = await runDx(['publish', '--data', dataDir, '--period', period, '--override-reason', 'sample faults']);
    t.equal(published.code, 0, published.stderr);
  }
  const back = await runDx(['publish', '--data', dataDir, '--period', '2026-10', '--override-reason', 'sample faults']);
  t.equal(back.code, 2);
  t.match(back.stderr, /2026-11 is being served.*move the API back.*--rollback/s);
  t.equal(readPointer(dataDir)!.period, '2026-11');
  const rolled = await runDx(['publish', '--data', dataDir, '--period', '2026-10', '--override-reason', 'sample faults', '--rollback']);
  t.equal(rolled.code, 0, rolled.stderr);
  t.match(rolled.stdout, /rolled back from 2026-11/);
  t.equal(readPointer(dataDir)!.period, '2026-10');
  t.equal(readCycleStatus(dataDir, '2026-10')!.publication!.rolledBackFrom, '2026-11');
  t.same(readdirSync(join(dataDir, 'published')).filter((f) => f.includes('partial')), []);
});

t.test('an override reason for a period with nothing blocking is recorded, and the steward is told it was not needed', async (t) => {
  const root = tempDir(t, 'dx-guard-');
  const dataDir = join(root, 'data');
  // Only the sample's datasets that pass every error-level rule, so that nothing blocks.
  const connectors = join(root, 'connectors');
  for (const id of ['police/household-register', 'civil-affairs/marriage-registration', 'social-security/pension-recipient']) {
    cpSync(join(PROJECT_ROOT, 'connectors', `${id}.json`), join(connectors, `${id}.json`));
  }
  const cycle = await runDx(['cycle', '--data', dataDir, '--connectors', connectors, '--period', '2026-10', '--source', join(SAMPLE, '2026-10'), '--until', 'govern', '--quiet']);
  t.equal(cycle.code, 0, cycle.stderr);
  const published = await runDx(['publish', '--data', dataDir, '--connectors', connectors, '--period', '2026-10', '--override-reason', 'just in case', '--force']);
  t.equal(published.code, 0, published.stderr);
  t.match(published.stderr, /no override was needed: 2026-10 has no blocking findings \(the reason is recorded all the same\)/);
  t.match(published.stdout, /^Published 2026-10/);
  const record = readCycleStatus(dataDir, '2026-10')!.publication!;
  t.equal(record.overrideReason, 'just in case', 'recorded, not dropped');
  t.equal(record.overridden, false);
});
