/**
 * What a steward sees of a cycle: each step's state, departments still awaited against their
 * due dates, and the monthly schedule that starts the cycle of the month just ended.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { pino } from 'pino';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { dueDateOf, readCycleStatus, periodsWithStatus } from '../../src/cycle/cycleStatus.js';
import { renderCycleStatus, progressBar } from '../../src/cycle/renderStatus.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { cycleQueue, redisConnection } from '../../src/schedule/queueConnection.js';
import { periodBefore, scheduleMonthlyCycle, startScheduledCycle, SCHEDULER_ID } from '../../src/schedule/monthlySchedule.js';
import { RedisServer } from '../helpers/redisServer.js';
import { runDx } from '../helpers/cli.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');

t.test('due dates fall in the month after the period', async (t) => {
  t.equal(dueDateOf('2026-10', 5), '2026-11-05');
  t.equal(dueDateOf('2026-12', 10), '2027-01-10');
  t.equal(dueDateOf('2026-12', undefined), undefined);
  t.equal(progressBar(1, 4, 8), '[##......] 1/4');
  t.equal(progressBar(0, 0, 4), '[....] 0/0');
  const now = Date.parse('2026-12-01T02:00:10Z');
  const text = renderCycleStatus({
    run: { period: '2026-11', runId: 'r1', mode: 'queue', source: '/drop', state: 'running', startedAt: '2026-12-01T02:00:00Z', connectors: [], steps: ['check'] },
    steps: [{ step: 'check', state: 'running', attempts: 2, maxAttempts: 3, startedAt: '2026-12-01T02:00:05Z', progress: { done: 7, total: 14, unit: 'batches' }, updatedAt: '' }],
    awaited: [],
  }, { now });
  t.match(text, /check\s+running\s+5\.0 s try 2\/3 {2}\[#{10}\.{10}\] 7\/14 batches/, 'a running step shows its elapsed time, retry and progress');
});

t.test('the scheduled start takes the month just ended, in Beijing time', async (t) => {
  t.equal(periodBefore(new Date('2026-12-01T02:00:00+08:00')), '2026-11');
  t.equal(periodBefore(new Date('2027-01-01T02:00:00+08:00')), '2026-12');
  t.equal(periodBefore(new Date('2026-11-30T18:30:00Z')), '2026-11', 'already 1 December in Beijing');
});

t.test('a department whose file is missing is awaited, late once its due date passed, and the period is held back', async (t) => {
  const warehouse = await tempWarehouse(t);
  const drop = tempDir(t);
  cpSync(join(SAMPLE, '2026-10'), drop, { recursive: true });
  rmSync(join(drop, 'police'), { recursive: true });
  const result = await runCycle(warehouse, loadConnectorSet(), { period: '2026-10', source: drop });
  t.ok(result.publication && 'refused' in result.publication, 'not published while the register is missing');
  t.same(periodsWithStatus(warehouse.dataDir), ['2026-10']);
  const early = readCycleStatus(warehouse.dataDir, '2026-10', '2026-11-03')!;
  t.same(early.awaited.map((a) => [a.id, a.dueDate, a.late]), [['police/household-register', '2026-11-05', false]]);
  const late = readCycleStatus(warehouse.dataDir, '2026-10', '2026-11-06')!;
  t.same(late.awaited.map((a) => [a.id, a.late]), [['police/household-register', true]]);
  t.match(late.awaited[0]!.error, /no file matches/);
  const text = renderCycleStatus(late);
  t.match(text, /police\/household-register\s+LATE, was due 2026-11-05/);
  t.match(text, /publish without them \(dx publish --override-reason/);
  t.equal(late.run.state, 'completed');
  t.match(late.run.outcome, /not published: \d+ blocking finding/);
  t.ok(late.steps.every((s) => s.state === 'completed'), 'every step ran');
  t.equal(late.steps.find((s) => s.step === 'collect:police/household-register')!.detail, 'missing');
});

t.test('dx status shows the latest period as a table or JSON', async (t) => {
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, loadConnectorSet(), { period: '2026-11', source: join(SAMPLE, '2026-11'), until: 'check' });
  const table = await runDx(['status', '--data', warehouse.dataDir]);
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /Cycle 2026-11 {2}run [0-9a-f-]+ \(in-process\) {2}completed: stopped after check/);
  t.match(table.stdout, /collect:police\/household-register\s+completed\s+[\d.]+ s {2}[\d,]+ rows loaded/);
  const json = await runDx(['status', '--data', warehouse.dataDir, '--period', '2026-11', '--format', 'json']);
  const status = JSON.parse(json.stdout) as { run: { period: string }; steps: { step: string }[] };
  t.equal(status.run.period, '2026-11');
  t.same(status.steps.slice(-1).map((s) => s.step), ['check']);
  const none = await runDx(['status', '--data', warehouse.dataDir, '--period', '2026-01']);
  t.equal(none.code, 1);
  t.match(none.stderr, /no cycle has run for 2026-01/);
});

t.test('the monthly schedule is registered once, and its start job enqueues the month just ended', async (t) => {
  const redis = await RedisServer.start();
  t.teardown(() => redis.stop());
  const connection = redisConnection(redis.url);
  t.teardown(() => connection.disconnect());
  const dataDir = tempDir(t);
  const queue = cycleQueue(dataDir, connection);
  t.teardown(() => queue.close());
  const dropRoot = tempDir(t);
  await scheduleMonthlyCycle(queue, dropRoot);
  await scheduleMonthlyCycle(queue, dropRoot);
  const schedulers = await queue.getJobSchedulers();
  t.same(schedulers.map((s) => [s.key, s.pattern, s.tz]), [[SCHEDULER_ID, '0 2 1 * *', 'Asia/Shanghai']]);

  cpSync(join(SAMPLE, '2026-10'), join(dropRoot, '2026-10'), { recursive: true });
  const options = { dataDir, set: loadConnectorSet(), redis: connection, log: pino({ level: 'silent' }) };
  const started = await startScheduledCycle(options, { dropRoot }, new Date('2026-11-01T02:00:00+08:00'));
  t.equal(started.period, '2026-10');
  t.match(started.runId, /^[0-9a-f]{8}$/);
  t.equal(readCycleStatus(dataDir, '2026-10')!.run.source, join(dropRoot, '2026-10'));
  const again = await startScheduledCycle(options, { dropRoot }, new Date('2026-11-01T02:00:00+08:00'));
  t.match(again.refused, /already running/);
  const early = await startScheduledCycle(options, { dropRoot }, new Date('2026-12-01T02:00:00+08:00'));
  t.match(early.refused, /source folder .*2026-11 does not exist/, 'a month whose folder is not there yet is reported');
});
