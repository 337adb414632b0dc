/** A client's keys over its life, and the administrators' actions on them: each checked and audited. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AccessStore } from '../../src/share/accessStore.js';
import { revokeClient, rotateClientKey, setClientDisabled } from '../../src/share/clientLifecycle.js';
import { addClient } from '../../src/share/grants.js';
import { runDx } from '../helpers/cli.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('disable, enable, revoke, rotate with an overlap, expiry', async (t) => {
  const store = new AccessStore(join(tempDir(t, 'dx-clients-'), 'access'), 0);
  const { key } = await addClient(store, { id: 'portal', name: 'portal', department: 'civil-affairs', roles: ['department'] });
  t.equal(store.authenticate(key)?.id, 'portal');
  await setClientDisabled(store, 'portal', true);
  t.equal(store.authenticate(key), undefined, 'disabled: refused');
  await setClientDisabled(store, 'portal', false);
  t.equal(store.authenticate(key)?.id, 'portal', 'enabled again');

  const rotated = await rotateClientKey(store, 'portal', { overlapHours: 2 });
  t.equal(store.authenticate(rotated.key)?.id, 'portal', 'the new key works');
  t.equal(store.authenticate(key)?.id, 'portal', 'the old key works through the overlap');
  const validUntil = Date.parse(rotated.client.previousKeys![0]!.validUntil);
  t.ok(validUntil > Date.now() + 3_600_000 && validUntil <= Date.now() + 2 * 3_600_000, 'for the stated two hours');
  const again = await rotateClientKey(store, 'portal', { overlapHours: 0 });
  t.equal(store.authenticate(rotated.key), undefined, 'no overlap: the replaced key stops at once');
  t.equal(store.authenticate(key)?.id, 'portal', 'an earlier key still within its own overlap');
  t.equal(store.authenticate(again.key)?.id, 'portal');
  await t.rejects(rotateClientKey(store, 'portal', { overlapHours: 24 * 365 }), /overlap/);

  await revokeClient(store, 'portal', 'the system was decommissioned');
  for (const k of [key, again.key]) t.equal(store.authenticate(k), undefined, 'revoked: no key works, overlap or not');
  await t.rejects(setClientDisabled(store, 'portal', false), /revoked/, 'a revoked client is not enabled again');
  await t.rejects(revokeClient(store, 'nobody', 'x'), /no client/);

  // An expired key: made valid for a moment, then the clock passes it.
  const short = await addClient(store, { id: 'short-lived', name: 's', department: 'tax', roles: ['department'], keyExpiresAt: new Date(Date.now() + 50).toISOString() });
  t.equal(store.authenticate(short.key)?.id, 'short-lived', 'valid until it expires (and remembered)');
  await new Promise((r) => setTimeout(r, 80));
  t.equal(store.authenticate(short.key), undefined, 'a remembered key expires too');
  await t.rejects(addClient(store, { id: 'stillborn', name: 's', department: 'tax', roles: ['department'], keyExpiresAt: new Date(Date.now() - 1000).toISOString() }), /already expired/);
});

t.test('三员分立: no client holds two of system administration, security administration and audit', async (t) => {
  const store = new AccessStore(join(tempDir(t, 'dx-clients-'), 'access'));
  for (const roles of [['steward', 'auditor'], ['provider', 'auditor'], ['steward', 'provider'], ['department', 'steward', 'provider', 'auditor']] as const) {
    await t.rejects(addClient(store, { id: `c-${roles.join('-')}`, name: 'x', department: 'data-office', roles: [...roles] }), /三员分立/, roles.join('+'));
  }
  for (const roles of [['department', 'provider'], ['analyst', 'steward'], ['clerk', 'department'], ['auditor']] as const) {
    await addClient(store, { id: `ok-${roles.join('-')}`, name: 'x', department: 'data-office', roles: [...roles] });
  }
  t.equal(store.read().clients.length, 4);
  await t.rejects(addClient(store, { id: 'typo', name: 'x', department: 'x', roles: ['stewart' as never] }), /roles must be/);
});

t.test('dx clients and dx grants: refusals, and every change in the audit trail before it is made', async (t) => {
  const data = join(tempDir(t, 'dx-admin-'), 'data');
  const add = await runDx(['clients', 'add', '--id', 'portal', '--department', 'civil-affairs', '--data', data]);
  t.equal(add.code, 0, add.stderr);
  const key = add.stdout.trim().split('\n').at(-1)!;
  t.match(key, /^dxk_portal\./);
  const twoHats = await runDx(['clients', 'add', '--id', 'boss', '--department', 'data-office', '--roles', 'steward,auditor', '--data', data]);
  t.equal(twoHats.code, 1);
  t.match(twoHats.stderr, /三员分立/);
  const expired = await runDx(['grants', 'add', '--client', 'portal', '--resource', 'population-status', '--fields', 'alive', '--purposes', 'x', '--days', '-1', '--data', data]);
  t.equal(expired.code, 1, 'a grant cannot be made already expired');
  t.match(expired.stderr, /cannot be made already expired/);
  t.equal((await runDx(['grants', 'add', '--client', 'portal', '--resource', 'population-status', '--fields', 'alive', '--purposes', 'x', '--data', data])).code, 0);
  const rotate = await runDx(['clients', 'rotate', 'portal', '--overlap-hours', '12', '--data', data]);
  t.equal(rotate.code, 0, rotate.stderr);
  t.match(rotate.stdout, /previous key works until/);
  t.equal((await runDx(['clients', 'disable', 'portal', '--reason', 'suspected leak', '--data', data])).code, 0);
  t.equal((await runDx(['clients', 'revoke', 'portal', '--reason', 'decommissioned', '--data', data])).code, 0);
  const list = await runDx(['clients', 'list', '--data', data]);
  t.match(list.stdout, /portal.*revoked/);

  const audit = join(data, 'audit');
  const records = readdirSync(audit).filter((f) => f.endsWith('.log')).flatMap((f) => readFileSync(join(audit, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { resource: string; action: string; client: string; subjects: string[] });
  t.same(records.map((r) => `${r.resource} ${r.action}`), ['clients add', 'grants grant', 'clients rotate', 'clients disable', 'clients revoke'], 'each administrative action, in order; the refused ones made no change and no record');
  t.ok(records.every((r) => r.client.startsWith('admin:') && r.subjects.includes('portal')));
  t.notOk(JSON.stringify(records).includes(key), 'no key in the audit trail');
  t.equal(statSync(data).mode & 0o777, 0o700, 'the data folder is the owner\'s only');
  t.equal(statSync(join(data, 'access', 'access.json')).mode & 0o777, 0o600, 'and so is the access store');
});
