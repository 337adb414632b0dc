/** Extracts' edges: the Accept header chooses the format when format= does not; since= must name a published period. */
import t from 'tap';
import { tableFromIPC } from 'apache-arrow';
import { acceptedFormat } from '../../src/routes/extracts.js';
import { client, exchange, grant, publishedDataDir } from '../helpers/exchange.js';

t.test('what an Accept header asks for', async (t) => {
  t.equal(acceptedFormat(undefined), 'arrow');
  t.equal(acceptedFormat('text/csv'), 'csv');
  t.equal(acceptedFormat('application/vnd.apache.arrow.stream'), 'arrow');
  t.equal(acceptedFormat('text/csv;q=0.5, application/vnd.apache.arrow.stream'), 'arrow', 'by quality');
  t.equal(acceptedFormat('application/vnd.apache.arrow.stream;q=0.2, text/csv;q=0.9'), 'csv');
  t.equal(acceptedFormat('*/*'), 'arrow');
  t.equal(acceptedFormat('text/csv;q=0, application/json'), null, 'q=0 refuses a type');
  t.equal(acceptedFormat('application/json'), null);
});

t.test('extracts negotiate and refuse a since= that was never published', async (t) => {
  const dataDir = await publishedDataDir(t);
  const clerk = await client(dataDir, 'district-office', 'civil-affairs');
  await grant(dataDir, clerk.id, 'population', { id_number: 'full', deceased: 'full' });
  const app = await exchange(t, dataDir);
  const url = '/v1/extracts/population?purpose=benefit%20review';
  const csv = await app.inject({ url, headers: { ...clerk.headers, accept: 'text/csv' } });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/, 'Accept: text/csv without format= gives CSV');
  t.match(csv.body, /^id_number,deceased/);
  const arrow = await app.inject({ url, headers: { ...clerk.headers, accept: 'application/vnd.apache.arrow.stream' } });
  t.equal(arrow.headers['content-type'], 'application/vnd.apache.arrow.stream', `${arrow.statusCode} ${arrow.body.slice(0, 200)}`);
  t.ok(tableFromIPC(arrow.rawPayload).numRows > 0);
  t.equal((await app.inject({ url: `${url}&format=csv`, headers: { ...clerk.headers, accept: 'application/vnd.apache.arrow.stream' } })).headers['content-type']?.toString().startsWith('text/csv'), true, 'format= wins');
  const json = await app.inject({ url, headers: { ...clerk.headers, accept: 'application/json' } });
  t.equal(json.statusCode, 406, 'neither format accepted');
  t.match(json.json(), { error: 'not_acceptable' });

  const never = await app.inject({ url: `${url}&since=2025-01`, headers: clerk.headers });
  t.equal(never.statusCode, 400, 'a period never published is refused, not answered with everything');
  t.match(never.json(), { error: 'invalid_since', message: /2025-01/ });
  t.match(never.headers['content-type'], /json/, 'the refusal is JSON, not an Arrow stream');
  const since = await app.inject({ url: `${url}&since=2026-10`, headers: clerk.headers });
  t.equal(since.statusCode, 200, 'a published one is answered');
});
