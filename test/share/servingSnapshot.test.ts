// A published snapshot is served from its served files: written at publication, written on first
// opening when a snapshot was published without them, and answering the governed register's every
// person and company as the loaded views do.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { publishedDir, readPointer } from '../../src/share/publishedSnapshot.js';
import { SERVED_VIEWS, servedFilePath } from '../../src/share/servedFile.js';
import { loadSnapshot, SnapshotHolder } from '../../src/share/servingSnapshot.js';
import { publishedDataDir } from '../helpers/exchange.js';

t.test('served files are written at publication, again when missing, and answer as the loaded views', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const pointer = readPointer(dataDir)!;
  const snapshot = join(publishedDir(dataDir), pointer.file);
  for (const view of SERVED_VIEWS) t.ok(existsSync(servedFilePath(snapshot, view.table)), `${view.table} served file written at publication`);

  // A snapshot published before served files existed: the first process to open it writes them.
  for (const view of SERVED_VIEWS) rmSync(servedFilePath(snapshot, view.table));
  const holder = new SnapshotHolder(dataDir);
  t.teardown(() => holder.close());
  await holder.refresh();
  for (const view of SERVED_VIEWS) t.ok(existsSync(servedFilePath(snapshot, view.table)), `${view.table} served file written on opening`);

  const mapped = holder.current()!;
  const loaded = await loadSnapshot(dataDir, pointer, 'loaded');
  t.teardown(() => loaded.close());
  for (const view of ['persons', 'entities'] as const) {
    const keys = [...loaded[view].keys()];
    t.ok(keys.length > 100, `${keys.length} ${view} served`);
    t.equal(mapped[view].size, loaded[view].size);
    t.same([...mapped[view].keys()], keys, `${view}: the same keys in the same order`);
    const differing = keys.filter((key) => JSON.stringify(mapped[view].get(key)) !== JSON.stringify(loaded[view].get(key)));
    t.same(differing, [], `${view}: every record the same, field for field`);
  }
});
