/** Workers in child processes, and waiting on a period's cycle through its status files. */
import type { Test } from 'tap';
import { readCycleStatus, type CycleStatus, type StepRecord } from '../../src/cycle/cycleStatus.js';
import type { ConnectorSet } from '../../src/connectors/manifest.js';
import { openWarehouseWaiting } from '../../src/schedule/warehouseLease.js';
import { spawnDx } from './cli.js';

/** Short locks, so that a killed worker's job is taken again within seconds, and quick retries. */
export const FAST_QUEUE_ENV = { DX_JOB_LOCK_MS: '2000', DX_STEP_BACKOFF_MS: '200', DX_WEBHOOK_BACKOFF_MS: '100' };

export function startWorker(t: Test, dataDir: string, redisUrl: string, env: Record<string, string> = {}) {
  const worker = spawnDx(['worker', '--data', dataDir], { REDIS_URL: redisUrl, ...FAST_QUEUE_ENV, ...env });
  t.teardown(() => { if (worker.exitCode === null) worker.kill('SIGKILL'); });
  return worker;
}

export async function killed(child: ReturnType<typeof spawnDx>): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function waitForStatus(dataDir: string, period: string, until: (status: CycleStatus) => boolean, what: string, timeoutMs = 120_000, intervalMs = 25): Promise<CycleStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = readCycleStatus(dataDir, period);
    if (status && until(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; status: ${JSON.stringify(status?.steps.map((s) => `${s.step}=${s.state}`))}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const stepIs = (status: CycleStatus, step: string, state: StepRecord['state']) => status.steps.some((s) => s.step.startsWith(step) && s.state === state);

export interface BatchAccount { connector: string; rowsRead: number; rowsLoaded: number; rowsQuarantined: number; tableRows: number; quarantineRows: number }

/** Each batch's counts, and what its canonical table and the quarantine actually hold for it. */
export async function batchAccounts(dataDir: string, set: ConnectorSet, period: string): Promise<BatchAccount[]> {
  const warehouse = await openWarehouseWaiting(dataDir, { timeoutMs: 30_000 });
  try {
    const accounts: BatchAccount[] = [];
    for (const connector of set.connectors) {
      const batch = await warehouse.one<{ rows_read: bigint; rows_loaded: bigint; rows_quarantined: bigint }>(
        'SELECT rows_read, rows_loaded, rows_quarantined FROM batches WHERE period = ? AND connector = ?', [period, connector.id]);
      const table = await warehouse.one<{ n: bigint }>(`SELECT count(*) AS n FROM "${connector.schema.table}" WHERE _period = ? AND _connector = ?`, [period, connector.id]);
      const quarantine = await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine WHERE period = ? AND connector = ?', [period, connector.id]);
      accounts.push({
        connector: connector.id, rowsRead: Number(batch?.rows_read ?? -1), rowsLoaded: Number(batch?.rows_loaded ?? -1), rowsQuarantined: Number(batch?.rows_quarantined ?? -1),
        tableRows: Number(table?.n ?? 0), quarantineRows: Number(quarantine?.n ?? 0),
      });
    }
    return accounts;
  } finally {
    warehouse.close();
  }
}

export async function governedHashes(dataDir: string, period: string): Promise<{ population_view_sha256: string; legal_entity_view_sha256: string } | undefined> {
  const warehouse = await openWarehouseWaiting(dataDir, { timeoutMs: 30_000 });
  try {
    return await warehouse.one('SELECT population_view_sha256, legal_entity_view_sha256 FROM governed_periods WHERE period = ?', [period]);
  } finally {
    warehouse.close();
  }
}
