/** Manifests and drop files written by a test, collected (and checked) in a fresh warehouse. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Test } from 'tap';
import { collectPeriod, type CollectOutcome } from '../../src/collect/collectPeriod.js';
import { checkPeriod } from '../../src/check/runChecks.js';
import { loadConnectorSet, type ConnectorSet } from '../../src/connectors/manifest.js';
import { residentIdCheckCharacter } from '../../src/ids/residentId.js';
import type { Warehouse } from '../../src/store/warehouse.js';
import { tempDir, tempWarehouse } from './warehouse.js';

/** A valid ID number of someone born 1950-01-01 in Baotou, numbered n. */
export const validId = (n: number, born = '19500101'): string => {
  const first17 = `150203${born}${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

export interface ManifestCity {
  connectorsDir: string;
  drop: string;
  warehouse: Warehouse;
  set: ConnectorSet;
  outcome: CollectOutcome;
}

/** Write `manifests` (path under connectors/ → JSON, or text for code tables) and `files` (path under the drop → lines). */
export async function collectManifestCity(t: Test, manifests: Record<string, unknown>, files: Record<string, string[]>, period = '2026-11', check = true): Promise<ManifestCity> {
  const connectorsDir = tempDir(t, 'dx-connectors-');
  for (const [path, content] of Object.entries(manifests)) {
    mkdirSync(dirname(join(connectorsDir, path)), { recursive: true });
    writeFileSync(join(connectorsDir, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  const drop = tempDir(t, 'dx-drop-');
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(drop, path)), { recursive: true });
    writeFileSync(join(drop, path), lines.join('\n') + (lines.length > 0 ? '\n' : ''));
  }
  const set = loadConnectorSet(connectorsDir);
  if (set.broken.length > 0) throw new Error(set.broken.map((b) => b.error).join('\n'));
  const warehouse = await tempWarehouse(t);
  const outcome = await collectPeriod(warehouse, set, period, drop);
  if (check) await checkPeriod(warehouse, set.connectors, period);
  return { connectorsDir, drop, warehouse, set, outcome };
}
