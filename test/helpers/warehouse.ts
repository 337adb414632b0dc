/** A warehouse in a fresh temporary data directory, closed and removed after the test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { Warehouse } from '../../src/store/warehouse.js';

export function tempDir(t: Test, prefix = 'dx-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function tempWarehouse(t: Test): Promise<Warehouse> {
  const warehouse = await Warehouse.open(join(tempDir(t, 'dx-data-'), 'data'), { memoryLimit: '1GB' });
  t.teardown(() => warehouse.close());
  return warehouse;
}
