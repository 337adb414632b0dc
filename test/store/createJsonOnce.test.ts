import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { createJsonOnce, readJson } from '../../src/store/fileLock.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('a file is created once, whole, and never replaced', async (t) => {
  const file = join(tempDir(t, 'dx-once-'), 'nested', 'id.json');
  t.equal(createJsonOnce(file, { id: 'first' }), true);
  t.equal(createJsonOnce(file, { id: 'second' }), false, 'it existed');
  t.same(readJson(file), { id: 'first' });
  t.same(readdirSync(join(file, '..')), ['id.json'], 'no temporary file left behind');
});
