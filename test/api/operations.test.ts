import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { tableFromIPC } from 'apache-arrow';
import { client, exchange, grant, publishedDataDir, publishNext } from '../helpers/exchange.js';

t.test('extracts stream the granted fields as Arrow and CSV, and what changed since a period', async (t) => {
  const dataDir = await publishedDataDir(t);
  const clerk = await client(dataDir, 'district-office', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { id_number: 'full', name: 'masked', deceased: 'full', address: 'masked' });
  const app = await exchange(t, dataDir);
  const snapshot = app.snapshots.current()!;
  const arrow = await app.inject({ url: '/v1/extracts/population?purpose=benefit%20review&format=arrow', headers: clerk.headers });
  t.equal(arrow.statusCode, 200, arrow.body.slice(0, 200));
  t.equal(arrow.headers['content-type'], 'application/vnd.apache.arrow.stream');
  const table = tableFromIPC(arrow.rawPayload);
  t.equal(table.numRows, snapshot.persons.size);
  t.same(table.schema.fields.map((f) => f.name).sort(), ['address', 'deceased', 'id_number', 'name']);
  const first = table.get(0)!.toJSON() as Record<string, unknown>;
  const record = snapshot.persons.get(String(first.id_number))!;
  t.ok(record, 'rows are keyed by full ID numbers, as granted');
  t.match(String(first.name), /^.\*+$/, 'the name masked');
  t.equal(first.deceased, record.deceased);
  const csv = await app.inject({ url: '/v1/extracts/population?purpose=benefit%20review&format=csv', headers: clerk.headers });
  const lines = csv.body.trim().split('\n');
  t.equal(lines.length, snapshot.persons.size + 1);
  t.match(lines[0], /id_number/);
  const since = await app.inject({ url: '/v1/extracts/population?purpose=benefit%20review&format=arrow&since=2026-10', headers: clerk.headers });
  const changed = tableFromIPC(since.rawPayload);
  t.ok(changed.numRows > 0 && changed.numRows < table.numRows, `${changed.numRows} rows changed since 2026-10 of ${table.numRows}`);
  t.equal((await app.inject({ url: '/v1/extracts/legal-entity?purpose=benefit%20review', headers: clerk.headers })).statusCode, 403, 'only granted resources');
});

t.test('each client has its own rate limit; the limit is told with the 429, and the refusal is audited', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const busy = await client(dataDir, 'busy-portal', 'civil-affairs');
  const quiet = await client(dataDir, 'quiet-portal', 'civil-affairs');
  for (const c of [busy, quiet]) await grant(dataDir, c.id, 'population', { name: 'full' });
  const app = await exchange(t, dataDir, { rateLimit: 3 });
  const someone = [...app.snapshots.current()!.persons.keys()][0];
  const ask = (c: typeof busy) => app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review`, headers: c.headers });
  for (let i = 0; i < 3; i++) {
    const answer = await ask(busy);
    t.equal(answer.statusCode, 200);
    t.notOk('x-ratelimit-remaining' in answer.headers, 'no limit headers on an answer');
  }
  const refused = await ask(busy);
  t.equal(refused.statusCode, 429);
  t.equal(refused.headers['x-ratelimit-limit'], '3');
  t.equal(refused.headers['x-ratelimit-remaining'], '0');
  t.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After says when');
  t.notOk(refused.body.includes(String(app.snapshots.current()!.persons.get(someone!)!.name)), 'nothing disclosed');
  t.equal((await ask(quiet)).statusCode, 200, 'another client is not held back');
  // Each record is in the file before its response is sent.
  const lines = readdirSync(join(dataDir, 'audit')).filter((f) => f.endsWith('.log')).flatMap((f) => readFileSync(join(dataDir, 'audit', f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { client: string; status: number });
  t.same(lines.filter((r) => r.client === 'busy-portal').map((r) => r.status), [200, 200, 200, 429], 'the 429 is in the audit trail');
});

t.test('when the audit cannot be written, nothing is served', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { name: 'full' });
  mkdirSync(join(dataDir, 'audit'), { recursive: true });
  rmSync(join(dataDir, 'audit', 'full-disk.log'), { force: true });
  symlinkSync('/dev/full', join(dataDir, 'audit', 'full-disk.log'));
  const app = await exchange(t, dataDir, { auditChain: 'full-disk' });
  const someone = [...app.snapshots.current()!.persons.keys()][0];
  for (let i = 0; i < 3; i++) {
    const response = await app.inject({ url: `/v1/persons/${someone}?purpose=benefit%20review`, headers: clerk.headers });
    t.equal(response.statusCode, 503);
    t.equal(response.json().error, 'audit_unavailable');
    t.notOk(response.body.includes(String(app.snapshots.current()!.persons.get(someone!)!.name)), 'the name is not in the response');
  }
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'health still answers');
});

t.test('publishing a new period switches the server over under load, failing no request', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-10']);
  const clerk = await client(dataDir, 'civil-affairs-portal', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { name: 'full' });
  const app = await exchange(t, dataDir, { rateLimit: 1_000_000 });
  t.equal(app.snapshots.current()!.pointer.period, '2026-10');
  const ids = [...app.snapshots.current()!.persons.keys()].slice(0, 50);
  let stop = false;
  const statuses: number[] = [];
  const periods = new Set<string>();
  const load = (async () => {
    while (!stop) {
      const responses = await Promise.all(ids.map((id) => app.inject({ url: `/v1/persons/${id}?purpose=benefit%20review`, headers: clerk.headers })));
      for (const r of responses) {
        statuses.push(r.statusCode);
        if (r.statusCode === 200) periods.add(r.json().period);
      }
    }
  })();
  await publishNext(dataDir, '2026-11');
  const deadline = Date.now() + 20_000;
  while (app.snapshots.current()!.pointer.period !== '2026-11' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await load;
  t.equal(app.snapshots.current()!.pointer.period, '2026-11', 'now serving the new period');
  t.ok(statuses.length > 500, `${statuses.length} requests during the switch`);
  t.same([...new Set(statuses)], [200], 'every request answered 200');
  t.same([...periods].sort(), ['2026-10', '2026-11']);
});
