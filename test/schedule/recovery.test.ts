/**
 * Crashes and outages: a worker killed with SIGKILL during collect and again during govern,
 * and Redis stopped and started again mid-cycle. Each time the cycle completes, and every
 * batch's rows are accounted for exactly (read = loaded + quarantined, nothing loaded twice).
 */
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateCity } from '../../src/fixtures/city.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { RedisServer } from '../helpers/redisServer.js';
import { runDx } from '../helpers/cli.js';
import { batchAccounts, killed, startWorker, stepIs, waitForStatus } from '../helpers/queue.js';
import { readTruth } from '../helpers/truth.js';
import { tempDir } from '../helpers/warehouse.js';

const PERIOD = '2026-10';
const PERSONS = 40_000;

async function city(t: Test): Promise<{ root: string; drop: string }> {
  const root = tempDir(t, 'dx-recovery-');
  const drop = join(root, 'drop');
  await generateCity({ persons: PERSONS, seed: 13, period: PERIOD, out: drop });
  return { root, drop };
}

async function assertExactAccounting(t: Test, data: string, drop: string): Promise<void> {
  const truth = readTruth(drop);
  const accounts = await batchAccounts(data, loadConnectorSet(), PERIOD);
  for (const account of accounts) {
    const written = truth.files.filter((f) => f.connector === account.connector).reduce((sum, f) => sum + f.rowsWritten, 0);
    t.equal(account.rowsRead, written, `${account.connector}: every row written was read`);
    t.equal(account.rowsLoaded + account.rowsQuarantined, account.rowsRead, `${account.connector}: read = loaded + quarantined`);
    t.equal(account.tableRows, account.rowsLoaded, `${account.connector}: loaded once, not twice`);
    t.equal(account.quarantineRows, account.rowsQuarantined, `${account.connector}: quarantined once`);
  }
}

t.test('a worker killed during collect and another during govern: the cycle completes after restarts', async (t) => {
  const redis = await RedisServer.start();
  t.teardown(() => redis.stop());
  const { root, drop } = await city(t);
  const data = join(root, 'data');
  const first = startWorker(t, data, redis.url);
  const queued = await runDx(['cycle', '--data', data, '--period', PERIOD, '--source', drop], { REDIS_URL: redis.url });
  t.equal(queued.code, 0, queued.stderr);

  await waitForStatus(data, PERIOD, (s) => stepIs(s, 'collect:police/household-register', 'running'), 'collect to be under way');
  await killed(first);
  const second = startWorker(t, data, redis.url);
  const duringGovern = await waitForStatus(data, PERIOD, (s) => stepIs(s, 'govern', 'running'), 'govern to be under way');
  t.ok(duringGovern.steps.filter((s) => s.step.startsWith('collect:')).every((s) => s.state === 'completed'), 'collect finished on the second worker');
  await killed(second);
  startWorker(t, data, redis.url);
  const done = await waitForStatus(data, PERIOD, (s) => s.run.state !== 'running', 'the run to end');
  t.equal(done.run.state, 'completed', JSON.stringify(done.steps.filter((s) => s.error)));
  t.equal(done.run.outcome, 'published');
  await assertExactAccounting(t, data, drop);
});

t.test('Redis stopped and started again mid-cycle: the cycle completes', async (t) => {
  const redis = await RedisServer.start();
  t.teardown(() => redis.stop());
  const { root, drop } = await city(t);
  const data = join(root, 'data');
  startWorker(t, data, redis.url);
  const queued = await runDx(['cycle', '--data', data, '--period', PERIOD, '--source', drop], { REDIS_URL: redis.url });
  t.equal(queued.code, 0, queued.stderr);
  await waitForStatus(data, PERIOD, (s) => s.steps.some((x) => x.step.startsWith('collect:') && x.state === 'running'), 'collect to be under way');
  await redis.stopProcess();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await redis.startProcess();
  const done = await waitForStatus(data, PERIOD, (s) => s.run.state !== 'running', 'the run to end');
  t.equal(done.run.state, 'completed', JSON.stringify(done.steps.filter((s) => s.error)));
  t.equal(done.run.outcome, 'published');
  await assertExactAccounting(t, data, drop);
});
