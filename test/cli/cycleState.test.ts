// One record of a run's state: each contradiction the operators met is a test here.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { cycleLockFile, readCycleStatus, startRunRecord } from '../../src/cycle/cycleStatus.js';
import { connectorIdsOf, runCycle } from '../../src/cycle/runCycle.js';
import { publishPeriod, reconcilePublication } from '../../src/govern/publish.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { checksReport } from '../../src/report/checksReport.js';
import { publishedDir, readPointer } from '../../src/share/publishedSnapshot.js';
import { tryLock } from '../../src/store/fileLock.js';
import { Warehouse } from '../../src/store/warehouse.js';
import { tempDir } from '../helpers/warehouse.js';

const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');
const set = loadConnectorSet();
const ids = connectorIdsOf(set);

async function withFreshWarehouse(t: Test, work: (w: Warehouse, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = join(tempDir(t, 'dx-state-'), 'data');
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    await work(warehouse, dataDir);
  } finally {
    warehouse.close();
  }
}

/** A copy of a sample period whose police file cannot be read as the manifest says (no mapped column). */
function brokenPoliceDrop(t: Test, period: string): string {
  const drop = join(tempDir(t, 'dx-drop-'), period);
  cpSync(join(SAMPLE, period), drop, { recursive: true });
  const dir = join(drop, 'police');
  for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'nothing,that,maps\n1,2,3\n');
  return drop;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

t.test('after a steward publishes over blocking findings, the run says published, with the override', async (t) => {
  await withFreshWarehouse(t, async (warehouse, dataDir) => {
    await runCycle(warehouse, set, { period: '2026-10', source: join(SAMPLE, '2026-10'), until: 'publish' });
    t.match(readCycleStatus(dataDir, '2026-10')!.run.outcome, /not published/, 'the cycle held it back (faults are planted)');
    await publishPeriod(warehouse, ids, { period: '2026-10', publishedBy: 'steward-wang', overrideReason: 'planted faults, reviewed' });
    const status = readCycleStatus(dataDir, '2026-10')!;
    t.match(status.run.outcome, /^published by steward-wang .* override: planted faults, reviewed/);
    t.equal(status.publication?.overrideReason, 'planted faults, reviewed');
    t.equal(status.publication?.overridden, true);
  });
});

t.test('a batch that failed is a failed step, fails the run, and the dataset shows this run\'s outcome, not the earlier batch', async (t) => {
  await withFreshWarehouse(t, async (warehouse, dataDir) => {
    await runCycle(warehouse, set, { period: '2026-10', source: join(SAMPLE, '2026-10'), until: 'check' });
    const before = (await checksReport(warehouse, '2026-10', ids)).batches.find((b) => b.connector === 'police/household-register')!;
    t.equal(before.status, 'loaded');
    t.ok(before.rows_loaded > 0);
    await runCycle(warehouse, set, { period: '2026-10', source: brokenPoliceDrop(t, '2026-10'), until: 'check' });
    const status = readCycleStatus(dataDir, '2026-10')!;
    const step = status.steps.find((s) => s.step === 'collect:police/household-register')!;
    t.equal(step.state, 'failed', 'not a green "completed"');
    t.ok(step.error, 'with why');
    t.equal(status.run.state, 'failed');
    t.match(status.run.outcome, /1 step\(s\) failed \(collect:police\/household-register\)/);
    const after = (await checksReport(warehouse, '2026-10', ids)).batches.find((b) => b.connector === 'police/household-register')!;
    t.equal(after.status, 'failed');
    t.same([after.rows_read, after.rows_loaded, after.batch_id], [0, 0, null], 'no counts of the batch an earlier run loaded');
  });
});

t.test('a run whose process died is interrupted, not running for ever', async (t) => {
  const dataDir = join(tempDir(t, 'dx-state-'), 'data');
  startRunRecord(dataDir, { period: '2026-11', runId: 'r1', mode: 'in-process', source: '/drop', state: 'running', startedAt: new Date().toISOString(), connectors: [], steps: ['check', 'govern'] });
  writeFileSync(cycleLockFile(dataDir, '2026-11'), String(deadPid()));
  const status = readCycleStatus(dataDir, '2026-11')!;
  t.equal(status.run.state, 'interrupted');
  t.match(status.run.outcome, /interrupted/);
  const release = tryLock(cycleLockFile(dataDir, '2026-11'));
  t.type(release, 'function', 'and the period can be run again');
  t.equal(readCycleStatus(dataDir, '2026-11')!.run.state, 'running', 'while a live process holds the lock it is running');
  (release as () => void)();
});

t.test('a stale lock holding this process\'s own pid (a restarted container is pid 1 again) is taken over', async (t) => {
  const lock = join(tempDir(t, 'dx-lock-'), 'x.lock');
  writeFileSync(lock, String(process.pid));
  const release = tryLock(lock);
  t.type(release, 'function');
  t.same(tryLock(lock), { heldBy: process.pid }, 'once taken, it is held');
  (release as () => void)();
});

t.test('a publish killed after its record, before the pointer moved, is finished by the next open; no partial file stays', async (t) => {
  await withFreshWarehouse(t, async (warehouse, dataDir) => {
    for (const period of ['2026-10', '2026-11']) {
      await runCycle(warehouse, set, { period, source: join(SAMPLE, period), until: 'govern' });
    }
    await publishPeriod(warehouse, ids, { period: '2026-10', publishedBy: 't', overrideReason: 'sample' });
    const october = readPointer(dataDir)!;
    await publishPeriod(warehouse, ids, { period: '2026-11', publishedBy: 't', overrideReason: 'sample' });
    // What a kill between the record's commit and the pointer's move leaves: the old pointer, a partial file.
    writeFileSync(join(publishedDir(dataDir), 'CURRENT.json'), JSON.stringify(october));
    writeFileSync(join(publishedDir(dataDir), `2026-12-abc-${Date.now()}.duckdb.partial`), 'half');
    writeFileSync(join(publishedDir(dataDir), `2026-11-abc-1.duckdb.population.served.${deadPid()}.tmp`), 'a served file its killed writer left');
    const live = `2026-11-abc-1.duckdb.population.served.${process.pid}.tmp`;
    writeFileSync(join(publishedDir(dataDir), live), 'a served file being written right now');
    t.match(await reconcilePublication(warehouse), /moved to 2026-11/);
    t.equal(readPointer(dataDir)!.period, '2026-11', 'the served snapshot agrees with the record');
    t.ok(existsSync(join(publishedDir(dataDir), readPointer(dataDir)!.file)));
    t.same(readdirSync(publishedDir(dataDir)).filter((f) => f.includes('partial') || f.endsWith('.tmp')), [live], 'partial files and dead writers\' temporaries are removed, a live writer\'s kept');
    t.equal(await reconcilePublication(warehouse), undefined, 'nothing to do once they agree');
  });
});
