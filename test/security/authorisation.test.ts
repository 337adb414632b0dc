/**
 * Clients × grants × routes: each client holds a different grant of the population register (some
 * fields full, some masked, or none), and asks for one person, a batch and an extract, in JSON and
 * CSV. Every answer's fields are within its grant, every masked field differs from the register's
 * value, every subject was asked for, and a client without a grant gets 403 on every route.
 */
import t from 'tap';
import type { FieldAccess } from '../../src/share/accessStore.js';
import { client, exchange, grant, publishedDataDir, type TestClient } from '../helpers/exchange.js';

const GRANTS: Array<Record<string, FieldAccess>> = [
  { name: 'full' },
  { name: 'masked', id_number: 'masked', address: 'masked' },
  { id_number: 'full', deceased: 'full', pension_status: 'full' },
  { name: 'full', address: 'masked', spouse_id: 'full', disability_category: 'full' },
];

t.test('no answer discloses a field, an unmasked value or a subject beyond the grant', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const holders: Array<{ who: TestClient; fields: Record<string, FieldAccess> }> = [];
  for (const [i, fields] of GRANTS.entries()) {
    const who = await client(dataDir, `holder-${i}`, 'civil-affairs');
    await grant(dataDir, who.id, 'population', fields);
    holders.push({ who, fields });
  }
  const stranger = await client(dataDir, 'stranger', 'transport');
  const otherPurpose = await client(dataDir, 'other-purpose', 'tax');
  await grant(dataDir, otherPurpose.id, 'population', { name: 'full' }, ['tax audit']);
  const app = await exchange(t, dataDir);
  const snapshot = app.snapshots.current()!;
  const asked = [...snapshot.persons.keys()].filter((_, i) => i % 97 === 0).slice(0, 20);
  const purpose = 'purpose=benefit%20review';

  const problems: string[] = [];
  const within = (who: string, fields: Record<string, FieldAccess>, id: string, data: Record<string, unknown>) => {
    const record = snapshot.persons.get(id) as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(data)) {
      if (!fields[field]) problems.push(`${who}: ${field} of ${id} not granted`);
      else if (fields[field] === 'masked' && value !== null && value !== '' && value === record[field]) problems.push(`${who}: ${field} of ${id} unmasked`);
    }
  };
  for (const { who, fields } of holders) {
    for (const id of asked.slice(0, 5)) {
      const one = await app.inject({ url: `/v1/persons/${id}?${purpose}`, headers: who.headers });
      if (one.statusCode !== 200) { problems.push(`${who.id}: lookup ${one.statusCode}`); continue; }
      within(who.id, fields, id, one.json().data);
    }
    const batch = await app.inject({ method: 'POST', url: '/v1/persons/batch', headers: who.headers, payload: { ids: asked, purpose: 'benefit review' } });
    const results = batch.json().results as Array<{ id: string; data?: Record<string, unknown> }>;
    if (results.some((r, i) => r.id !== asked[i])) problems.push(`${who.id}: batch subjects differ from those asked`);
    for (const r of results) within(who.id, fields, r.id, r.data ?? {});
    const csv = await app.inject({ url: `/v1/extracts/population?${purpose}&format=csv`, headers: who.headers });
    const [header, ...rows] = csv.body.trim().split(/\r?\n/);
    const columns = header!.split(',');
    if (columns.some((c) => !fields[c])) problems.push(`${who.id}: extract columns ${columns.join(',')}`);
    if (rows.length !== snapshot.persons.size) problems.push(`${who.id}: extract of ${rows.length} rows, not the register's ${snapshot.persons.size}`);
  }
  t.same(problems, [], `${holders.length} grants × lookups, batches and extracts`);

  for (const who of [stranger, otherPurpose]) {
    for (const request of [
      { url: `/v1/persons/${asked[0]}?${purpose}` },
      { url: `/v1/persons/${asked[0]}/verify/alive?${purpose}` },
      { url: `/v1/extracts/population?${purpose}` },
      { url: `/v1/persons/${asked[0]}/access-log?${purpose}` },
      { method: 'POST' as const, url: '/v1/persons/batch', payload: { ids: asked, purpose: 'benefit review' } },
    ]) {
      const answer = await app.inject({ ...request, headers: who.headers });
      t.equal(answer.statusCode, 403, `${who.id}: ${request.url}`);
      t.notOk(answer.body.includes(String(snapshot.persons.get(asked[0]!)!.name)), 'nothing of the person');
    }
  }
});
