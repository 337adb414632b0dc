/** Prometheus metrics of the real app: each route under its own path, and requests no route matched. */
import t from 'tap';
import { exchange, publishedDataDir } from '../helpers/exchange.js';

const series = (text: string, route: string, status: number): number => {
  const line = text.split('\n').find((l) => l.startsWith(`dx_http_requests_total{route="${route}",method="GET",status="${status}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

t.test('requests are counted by route path and status, unmatched ones as "unmatched"', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const app = await exchange(t, dataDir);
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/health' })).statusCode, 200);
  t.equal((await app.inject({ url: '/v1/persons/110101199003070000?purpose=x' })).statusCode, 401);
  const nowhere = await app.inject({ url: '/nowhere' });
  t.equal(nowhere.statusCode, 404);
  t.same(nowhere.json(), { error: 'not_found', message: 'no route answers GET at this path', requestId: nowhere.headers['request-id'] }, 'the one error body, the path not echoed');
  t.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
  const text = (await app.inject({ url: '/metrics' })).body;
  t.equal(series(text, '/health', 200), 3);
  t.equal(series(text, '/v1/persons/:id', 401), 1, 'by the route\'s path, not the requested URL');
  t.equal(series(text, 'unmatched', 404), 1);
  t.equal(series(text, '/docs/json', 200), 1, 'routes of plugins registered early are observed too');
  t.match(text, /dx_http_request_seconds_count\{route="unmatched"\} 1/);
});
