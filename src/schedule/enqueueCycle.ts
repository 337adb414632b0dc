/**
 * Putting a period's cycle on the queue. Refused while a run of the same period is under way,
 * in either mode: the period's Redis key names the queued run, the lock file an in-process one.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ConnectorSet } from '../connectors/manifest.js';
import { assertPeriod, assertSourceFolder } from '../collect/collectPeriod.js';
import { cyclesDir, readRunRecord, startRunRecord } from '../cycle/cycleStatus.js';
import { runStepNames, type CycleStep } from '../cycle/cycleSteps.js';
import { CycleAlreadyRunningError, connectorIdsOf, expectedConnectors } from '../cycle/runCycle.js';
import { lockHolder } from '../store/fileLock.js';
import { cycleFlow } from './cycleFlow.js';
import { cycleQueueName, periodRunKey } from './queueConnection.js';

export interface EnqueueOptions {
  dataDir: string;
  set: ConnectorSet;
  period: string;
  source: string;
  until?: CycleStep;
}

export async function enqueueCycle(redis: Redis, options: EnqueueOptions): Promise<{ runId: string }> {
  assertPeriod(options.period);
  assertSourceFolder(options.source, options.period);
  const holder = lockHolder(join(cyclesDir(options.dataDir), options.period, 'cycle.lock'));
  if (holder !== undefined) throw new CycleAlreadyRunningError(`a cycle for ${options.period} is already running in process ${holder}; wait for it, or follow it with dx status --period ${options.period}`);
  const runId = randomUUID().slice(0, 8);
  const key = periodRunKey(options.period);
  if (!(await redis.set(key, runId, 'NX'))) {
    const running = await redis.get(key);
    const record = readRunRecord(options.dataDir, options.period);
    // A key left by a run that has ended (its end was recorded but the key not yet cleared) does not block.
    if (!(record && record.runId === running && record.state !== 'running')) {
      throw new CycleAlreadyRunningError(`a cycle for ${options.period} is already running (run ${running}${record?.startedAt ? `, started ${record.startedAt}` : ''}); wait for it, or follow it with dx status --period ${options.period}`);
    }
    await redis.set(key, runId);
  }
  const ids = connectorIdsOf(options.set);
  startRunRecord(options.dataDir, {
    period: options.period, runId, mode: 'queue', source: options.source, state: 'running', startedAt: new Date().toISOString(),
    connectors: expectedConnectors(options.set, options.period), steps: runStepNames(ids, options.until),
  });
  const producer = new FlowProducer({ connection: redis });
  try {
    await producer.add(cycleFlow(cycleQueueName(options.dataDir), { period: options.period, runId, source: options.source }, ids, options.until));
  } catch (error) {
    await redis.del(key);
    throw error;
  } finally {
    await producer.close();
  }
  return { runId };
}

/** Free the period for the next run, if this run still holds it. */
export async function releasePeriod(redis: Redis, period: string, runId: string): Promise<void> {
  if ((await redis.get(periodRunKey(period))) === runId) await redis.del(periodRunKey(period));
}
