import t from 'tap';
import { AuditLog } from '../../src/audit/auditLog.js';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { auditTempDir, entry } from './helpers.js';

/** Two chains, as two API processes would write them, with interleaved times. */
async function twoChains(dir: string): Promise<void> {
  const one = await AuditLog.open(dir, 'api-1');
  const two = await AuditLog.open(dir, 'api-2');
  for (let i = 0; i < 40; i++) await (i % 2 === 0 ? one : two).append(entry(i));
  await one.close();
  await two.close();
}

t.test('queries run over every chain, newest first', async (t) => {
  const dir = auditTempDir(t);
  await twoChains(dir);
  const all = await queryAudit(dir, {});
  t.equal(all.length, 40);
  t.same(all.map((r) => r.requestId), Array.from({ length: 40 }, (_, i) => `req-${39 - i}`));
  t.same(new Set(all.map((r) => r.chain)), new Set(['api-1', 'api-2']));
  const latest = await queryAudit(dir, { limit: 3 });
  t.same(latest.map((r) => r.requestId), ['req-39', 'req-38', 'req-37']);
});

t.test('filters combine', async (t) => {
  const dir = auditTempDir(t);
  await twoChains(dir);
  const byClient = await queryAudit(dir, { client: 'client-1' });
  t.ok(byClient.length > 0 && byClient.every((r) => r.client === 'client-1'));
  const subject = entry(7).subjects[0]!;
  t.same((await queryAudit(dir, { subject })).map((r) => r.requestId), ['req-7']);
  const denied = await queryAudit(dir, { outcome: 'denied', resource: 'population' });
  t.ok(denied.length > 0 && denied.every((r) => r.outcome === 'denied' && r.resource === 'population'));
  const window = await queryAudit(dir, { from: entry(10).time, to: entry(13).time });
  t.same(window.map((r) => r.requestId), ['req-12', 'req-11', 'req-10'], 'from inclusive, to exclusive');
  const sameInstantOtherZone = entry(10).time.replace('Z', '+00:00');
  t.equal((await queryAudit(dir, { from: sameInstantOtherZone, to: entry(11).time })).length, 1, 'times compared as instants');
  await t.rejects(queryAudit(dir, { from: 'last week' }), /not an ISO 8601 date or time/);
});

t.test('a missing audit directory gives nothing', async (t) => {
  t.same(await queryAudit(`${auditTempDir(t)}/nowhere`, {}), []);
});
