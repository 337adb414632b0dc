/** A published sample city with its cross-checks run for a period: cases to list and work. */
import type { Test } from 'tap';
import { crossCheckPeriod } from '../../src/crosscheck/crossCheckPeriod.js';
import { Warehouse } from '../../src/store/warehouse.js';
import { publishedDataDir } from './exchange.js';

export async function crossCheckedDataDir(t: Test, period = '2026-11'): Promise<string> {
  const dataDir = await publishedDataDir(t, [period]);
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    await crossCheckPeriod(warehouse, period);
  } finally {
    warehouse.close();
  }
  return dataDir;
}
