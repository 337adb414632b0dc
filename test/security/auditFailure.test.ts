/**
 * With the audit store unwritable (its chain file is /dev/full: every write fails with ENOSPC), every
 * answer of every /v1 route is a 503, whatever the caller, and no state change is made: a change
 * writes its record before it commits, so "503 but committed" cannot happen.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AccessStore } from '../../src/share/accessStore.js';
import { requestGrant } from '../../src/share/grants.js';
import { client, publishedDataDir } from '../helpers/exchange.js';
import { bodyFor, callers, realServer, routeCases, unmatched, withPurpose } from './corpus.js';

t.test('an unwritable audit store: every /v1 answer is a 503 and nothing changes', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clients = await callers(dataDir);
  const applicant = await client(dataDir, 'pension-bureau', 'social-security');
  const store = new AccessStore(join(dataDir, 'access'));
  const pending = await requestGrant(store, { client: applicant.id, resource: 'population', fields: { name: 'full' }, purposes: ['pension eligibility'], legalBasis: 'law', expiresAt: '2030-01-01T00:00:00Z' });
  mkdirSync(join(dataDir, 'audit'), { recursive: true });
  rmSync(join(dataDir, 'audit', 'full-disk.log'), { force: true });
  symlinkSync('/dev/full', join(dataDir, 'audit', 'full-disk.log'));
  const app = await realServer(t, { dataDir, auditChain: 'full-disk' });
  const snapshot = app.snapshots.current()!;
  const person = [...snapshot.persons.keys()][0]!;
  const company = [...snapshot.entities.keys()][0]!;
  const accessBefore = readFileSync(store.file, 'utf8');

  const answers: string[] = [];
  // The routes that read the audit trail itself are left out: reading /dev/full never ends.
  for (const route of routeCases(app, { person, company }).filter((r) => !r.template.startsWith('/v1/audit') && !r.template.endsWith('/access-log'))) {
    for (const who of clients.all) {
      const { payload, headers } = bodyFor(route, person);
      const answer = await app.inject({ method: route.method as 'GET', url: withPurpose(route.path.replace('{id}', pending.id)), headers: { ...who.headers, ...headers }, payload });
      if (unmatched(answer.statusCode, answer.body)) continue;
      if (answer.statusCode !== 503 || answer.json().error !== 'audit_unavailable') answers.push(`${route.method} ${route.path} as ${who.id} → ${answer.statusCode} ${answer.body.slice(0, 80)}`);
      if (answer.body.includes(String(snapshot.persons.get(person)!.name))) answers.push(`${route.method} ${route.path}: the name in a refusal`);
    }
  }
  t.same(answers, [], 'every answer of every route, for every caller, is a 503');

  const steward = clients.byRole.steward;
  for (const decision of ['approve', 'refuse']) {
    const answer = await app.inject({ method: 'POST', url: `/v1/requests/${pending.id}/${decision}`, headers: steward.headers, payload: { reason: 'within the law' } });
    t.equal(answer.statusCode, 503, `${decision}: 503`);
  }
  const applied = await app.inject({ method: 'POST', url: '/v1/requests', headers: applicant.headers, payload: { resource: 'population', fields: { name: 'full' }, purposes: ['x'], legal_basis: 'x', expires_at: '2030-01-01' } });
  t.equal(applied.statusCode, 503);
  t.equal(readFileSync(store.file, 'utf8'), accessBefore, 'the access store is unchanged: no grant decided, none requested');
  t.equal(store.read().grants.find((g) => g.id === pending.id)!.status, 'pending');
});
