/**
 * A data directory whose periods have steward reports: the committed sample city through the
 * cycle, published with a steward's override, and each period's report exported as the cycle
 * will do after publishing.
 */
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { connectorIdsOf, runCycle } from '../../src/cycle/runCycle.js';
import { publishPeriod } from '../../src/govern/publish.js';
import { exportStewardReport } from '../../src/report/stewardReport.js';
import { Warehouse } from '../../src/store/warehouse.js';
import { SAMPLE } from './exchange.js';
import { tempDir } from './warehouse.js';

export async function reportedDataDir(t: Test, periods = ['2026-10', '2026-11'], options: { publishLast?: boolean } = {}): Promise<string> {
  const dataDir = join(tempDir(t, 'dx-steward-'), 'data');
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    const set = loadConnectorSet();
    for (const [i, period] of periods.entries()) {
      await runCycle(warehouse, set, { period, source: join(SAMPLE, period), until: 'govern' });
      if (options.publishLast !== false || i < periods.length - 1) {
        await publishPeriod(warehouse, connectorIdsOf(set), { period, publishedBy: 'test-steward', overrideReason: 'sample data: faults planted on purpose' });
      }
      await exportStewardReport(warehouse, period, dataDir, connectorIdsOf(set));
    }
  } finally {
    warehouse.close();
  }
  return dataDir;
}

/** Publish a governed period and export its report again, as the cycle's publish step will. */
export async function publishAndExport(dataDir: string, period: string, reason: string): Promise<void> {
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    const ids = connectorIdsOf(loadConnectorSet());
    await publishPeriod(warehouse, ids, { period, publishedBy: 'test-steward', overrideReason: reason });
    await exportStewardReport(warehouse, period, dataDir, ids);
  } finally {
    warehouse.close();
  }
}
