import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { AccessStore } from '../../src/share/accessStore.js';
import { addClient } from '../../src/share/grants.js';

t.test('a key that matched is remembered only while the store is unchanged; wrong keys never pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-access-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // recheckMs 0: every read looks at the file, as another process's change would be seen.
  const store = new AccessStore(dir, 0);
  const { client, key } = await addClient(store, { id: 'pension-office', name: 'Pension office', department: 'social-security', roles: ['department'] });
  t.equal(store.authenticate(key)?.id, client.id);
  t.equal(store.authenticate(key)?.id, client.id, 'again, from what was remembered');
  t.equal(store.authenticate(`${key}x`), undefined, 'a longer key is not the key');
  t.equal(store.authenticate(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), undefined, 'one character off is refused');
  t.equal(store.authenticate('dxk_pension-office.'), undefined);
  t.equal(store.authenticate(undefined), undefined);
  t.equal(store.authenticate(''), undefined);
  await store.update((state) => {
    state.clients.find((c) => c.id === client.id)!.disabled = true;
  });
  t.equal(store.authenticate(key), undefined, 'a disabled client is refused at once, remembered key or not');
  await store.update((state) => {
    state.clients.find((c) => c.id === client.id)!.disabled = false;
  });
  t.equal(store.authenticate(key)?.id, client.id, 'and accepted once enabled again');
});
