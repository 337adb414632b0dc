import { join } from 'node:path';
import t from 'tap';
import { queryAudit } from '../../src/audit/queryAudit.js';
import { client, exchange, publishedDataDir } from '../helpers/exchange.js';

t.test('a conditional resource: the client applies, the provider decides with reasons, all audited', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  const clerk = await client(dataDir, 'pension-bureau', 'social-security');
  const provider = await client(dataDir, 'data-office-admin', 'data-office', ['provider']);
  const otherProvider = await client(dataDir, 'tax-admin', 'tax', ['provider']);
  const app = await exchange(t, dataDir);
  const someone = [...app.snapshots.current()!.persons.keys()][0]!;
  const lookup = () => app.inject({ url: `/v1/persons/${someone}?purpose=pension%20eligibility`, headers: clerk.headers });
  t.equal((await lookup()).statusCode, 403, 'deny by default');

  const apply = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/v1/requests', headers: clerk.headers, payload: body });
  const bad = await apply({ resource: 'population', fields: { address: 'masked', pension_status: 'masked' }, purposes: ['pension eligibility'], legal_basis: 'Social Insurance Law art. 1', expires_at: '2030-01-01' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /field "pension_status" cannot be shared masked/);
  t.equal((await apply({ resource: 'police/household-register', fields: {}, purposes: ['x'], legal_basis: 'x', expires_at: '2030-01-01' })).statusCode, 403, 'a resource that is not shared');
  const first = await apply({ resource: 'population', fields: { name: 'full', deceased: 'full' }, purposes: ['pension eligibility'], legal_basis: 'Social Insurance Law', expires_at: '2030-01-01' });
  t.equal(first.statusCode, 201, first.body);
  t.equal(first.json().status, 'pending');
  t.equal((await lookup()).statusCode, 403, 'pending is not granted');

  t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/approve`, headers: otherProvider.headers, payload: { reason: 'looks fine' } })).statusCode, 403, 'only the providing department decides');
  t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/approve`, headers: clerk.headers, payload: { reason: 'looks fine' } })).statusCode, 403, 'not the applicant');
  t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/approve`, headers: provider.headers, payload: {} })).statusCode, 400, 'an approval gives its reason');
  t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/refuse`, headers: provider.headers, payload: {} })).statusCode, 400, 'a refusal gives its reason');
  for (const payload of [{}, { reason: '' }, { reason: '   ' }]) {
    t.equal((await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/approve`, headers: provider.headers, payload })).statusCode, 400, `an approval gives its reason too (${JSON.stringify(payload)})`);
  }
  t.equal((await lookup()).statusCode, 403, 'still not granted after approvals without a reason');
  const approved = await app.inject({ method: 'POST', url: `/v1/requests/${first.json().id}/approve`, headers: provider.headers, payload: { reason: 'purpose within the law' } });
  t.equal(approved.json().status, 'active');
  const after = await lookup();
  t.equal(after.statusCode, 200);
  t.same(Object.keys(after.json().data).sort(), ['deceased', 'name']);

  const second = await apply({ resource: 'population', fields: { spouse_id: 'full' }, purposes: ['curiosity'], legal_basis: 'none', expires_at: '2030-01-01' });
  const refused = await app.inject({ method: 'POST', url: `/v1/requests/${second.json().id}/refuse`, headers: provider.headers, payload: { reason: 'no legal basis for this purpose' } });
  t.match(refused.json(), { status: 'refused', reason: 'no legal basis for this purpose', decidedBy: provider.id });
  const seen = await app.inject({ url: '/v1/grants', headers: clerk.headers });
  t.equal(seen.json().grants.length, 2, 'the client sees its own requests');

  const decisions = await queryAudit(join(dataDir, 'audit'), { resource: 'grants', limit: 50 });
  t.ok(decisions.some((r) => r.action === 'approve' && r.outcome === 'allowed' && r.client === provider.id));
  t.ok(decisions.some((r) => r.action === 'refuse' && r.outcome === 'allowed' && r.reason === 'no legal basis for this purpose'));
  t.ok(decisions.some((r) => r.action === 'approve' && r.outcome === 'denied' && r.client === otherProvider.id));
});

t.test('separation of duties: nobody decides a request of their own or of their own department', async (t) => {
  const dataDir = await publishedDataDir(t, ['2026-11']);
  // data-office provides the population register; its own clients apply for it.
  const selfDealer = await client(dataDir, 'data-office-portal', 'data-office', ['department', 'provider']);
  const colleague = await client(dataDir, 'data-office-admin', 'data-office', ['provider']);
  const officeSteward = await client(dataDir, 'data-office-steward', 'data-office', ['steward']);
  const cityProvider = await client(dataDir, 'city-provider', 'civil-affairs', ['provider']);
  const steward = await client(dataDir, 'city-steward', 'audit-office', ['steward']);
  const outsider = await client(dataDir, 'pension-bureau', 'social-security');
  const app = await exchange(t, dataDir);
  const apply = async (who: typeof selfDealer) => {
    const answer = await app.inject({ method: 'POST', url: '/v1/requests', headers: who.headers, payload: { resource: 'population', fields: { name: 'full' }, purposes: ['pension eligibility'], legal_basis: 'Social Insurance Law', expires_at: '2030-01-01' } });
    t.equal(answer.statusCode, 201, answer.body);
    return answer.json().id as string;
  };
  const decide = (id: string, who: typeof selfDealer, decision: 'approve' | 'refuse' = 'approve') =>
    app.inject({ method: 'POST', url: `/v1/requests/${id}/${decision}`, headers: who.headers, payload: { reason: 'within the law' } });

  const own = await apply(selfDealer);
  for (const decision of ['approve', 'refuse'] as const) {
    t.equal((await decide(own, selfDealer, decision)).statusCode, 403, `the applicant cannot ${decision} its own request, though it holds the provider role`);
    t.equal((await decide(own, colleague, decision)).statusCode, 403, `a provider of the applicant's department cannot ${decision} it`);
    t.equal((await decide(own, officeSteward, decision)).statusCode, 403, `nor a steward of the applicant's department`);
    t.equal((await decide(own, cityProvider, decision)).statusCode, 403, 'nor a provider of another department (not the provider of this resource)');
  }
  t.match((await decide(own, steward)).json(), { status: 'active', decidedBy: steward.id }, 'a steward of another department decides');

  const theirs = await apply(outsider);
  t.equal((await decide(theirs, outsider)).statusCode, 403, 'a department client holds no decider role');
  t.match((await decide(theirs, colleague)).json(), { status: 'active', decidedBy: colleague.id }, 'the providing department decides another department\'s request');

  const expired = await app.inject({ method: 'POST', url: '/v1/requests', headers: outsider.headers, payload: { resource: 'population', fields: { name: 'full' }, purposes: ['x'], legal_basis: 'x', expires_at: '2020-01-01' } });
  t.equal(expired.statusCode, 400, 'a request cannot ask for access that has already expired');
  const huge = await app.inject({ method: 'POST', url: '/v1/requests', headers: outsider.headers, payload: { resource: 'population', fields: { name: 'full' }, purposes: ['x'.repeat(100_000)], legal_basis: 'y'.repeat(1_000_000), expires_at: '2030-01-01' } });
  t.equal(huge.statusCode, 413, 'a request is bounded');
  const many = await app.inject({ method: 'POST', url: '/v1/requests', headers: outsider.headers, payload: { resource: 'population', fields: { name: 'full' }, purposes: Array.from({ length: 50 }, (_, i) => `purpose ${i}`), legal_basis: 'x', expires_at: '2030-01-01' } });
  t.equal(many.statusCode, 400, 'and so are its purposes');
  t.ok(many.body.length < 1000, 'the refusal does not echo the request');
});
