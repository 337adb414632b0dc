/** Publishing again and again keeps the current snapshot file and the two before it, no more. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { runCycle } from '../../src/cycle/runCycle.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { exportSnapshot, KEPT_SNAPSHOTS, publishedDir, readPointer } from '../../src/share/publishedSnapshot.js';
import { SERVED_VIEWS } from '../../src/share/servedFile.js';
import { tempWarehouse } from '../helpers/warehouse.js';

t.test('old snapshot files are pruned, the current one and its predecessors kept', async (t) => {
  const warehouse = await tempWarehouse(t);
  await runCycle(warehouse, loadConnectorSet(), { period: '2026-11', source: join(PROJECT_ROOT, 'fixtures', 'sample-city', '2026-11'), until: 'govern' });
  const exported: string[] = [];
  for (let i = 0; i < 5; i++) {
    exported.push((await exportSnapshot(warehouse, '2026-11')).file);
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct millisecond stamps
  }
  const files = readdirSync(publishedDir(warehouse.dataDir)).filter((f) => f.endsWith('.duckdb')).sort();
  t.equal(files.length, KEPT_SNAPSHOTS);
  t.same(files, exported.slice(-KEPT_SNAPSHOTS).sort(), 'the newest are kept');
  t.equal(readPointer(warehouse.dataDir)!.file, exported.at(-1));
  t.ok(existsSync(join(publishedDir(warehouse.dataDir), exported.at(-1)!)), 'the current file is there');
  const served = readdirSync(publishedDir(warehouse.dataDir)).filter((f) => f.endsWith('.served')).sort();
  t.same(served, exported.slice(-KEPT_SNAPSHOTS).flatMap((f) => SERVED_VIEWS.map((v) => `${f}.${v.table}.served`)).sort(), 'each kept snapshot keeps its served files, and only they are kept');
});
