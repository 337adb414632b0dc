/**
 * Publication webhooks: signed with the exchange's Ed25519 key (a receiver verifies with the
 * public key alone), retried with backoff when a receiver fails, and telling each subscriber
 * what changed since the last period it was told about.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { generateCity } from '../../src/fixtures/city.js';
import { addSubscription, listSubscriptions, validateWebhookUrl } from '../../src/notify/subscriptions.js';
import { signWebhook, verifyWebhook, webhookPublicKey, SIGNATURE_HEADER } from '../../src/notify/webhookSigning.js';
import { delayBefore, withRetries } from '../../src/notify/retryPolicy.js';
import { RedisServer } from '../helpers/redisServer.js';
import { runDx } from '../helpers/cli.js';
import { startWorker } from '../helpers/queue.js';
import { tempDir } from '../helpers/warehouse.js';

interface Received { body: string; signature?: string; at: number }

/** A department's receiver answering 500 to its first `failures` messages. */
async function receiver(t: Test, failures: number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      received.push({ body, signature: request.headers[SIGNATURE_HEADER] as string | undefined, at: Date.now() });
      response.statusCode = received.length <= failures ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/dx-hook`, received };
}

t.test('signatures verify with the public key and fail for any other body, key or time', async (t) => {
  const dir = tempDir(t);
  const other = tempDir(t);
  const publicKey = webhookPublicKey(dir);
  t.match(publicKey, /^-----BEGIN PUBLIC KEY-----/);
  t.equal(webhookPublicKey(dir), publicKey, 'the key is made once and kept');
  fc.assert(fc.property(fc.string(), fc.string({ minLength: 1 }), (body, extra) => {
    const header = signWebhook(dir, body);
    return verifyWebhook(publicKey, header, body)
      && !verifyWebhook(publicKey, header, body + extra)
      && !verifyWebhook(webhookPublicKey(other), header, body);
  }), { numRuns: 50 });
  const old = new Date(Date.now() - 10 * 60_000);
  t.notOk(verifyWebhook(publicKey, signWebhook(dir, '{}', old), '{}'), 'a replayed old message is refused');
  t.notOk(verifyWebhook(publicKey, undefined, '{}'), 'no signature, no trust');
  t.notOk(verifyWebhook(publicKey, 't=abc,ed25519=xyz', '{}'));
});

t.test('webhook urls are checked before they are stored', async (t) => {
  t.throws(() => validateWebhookUrl('not a url'), /not a URL/);
  t.throws(() => validateWebhookUrl('ftp://example.org/x'), /must be http/);
  t.throws(() => validateWebhookUrl('https://user:secret@example.org/x'), /must not carry credentials/);
  t.equal(validateWebhookUrl('https://example.org/hook'), 'https://example.org/hook');
});

t.test('withRetries waits longer each time and gives up after the last attempt', async (t) => {
  // The waits are asserted as the policy computes them, not timed: a clock on a busy machine says
  // more about the machine than about the policy.
  const policy = { attempts: 3, backoffMs: 20 };
  t.same([2, 3, 4].map((attempt) => delayBefore(policy, attempt)), [20, 40, 80], 'each wait doubles the one before');
  const retried: number[] = [];
  let calls = 0;
  await t.rejects(withRetries(policy, async () => { calls++; throw new Error('down'); }, (attempt) => retried.push(attempt)), /down/);
  t.equal(calls, 3, 'three attempts, then the last error');
  t.same(retried, [1, 2], 'a retry after each failed attempt but the last');
  t.equal(await withRetries({ attempts: 3, backoffMs: 1 }, async (attempt) => attempt), 1);
});

t.test('after a queued cycle publishes, subscribers are told: a failing receiver is retried, a good one verifies the signature', async (t) => {
  const redis = await RedisServer.start();
  t.teardown(() => redis.stop());
  const root = tempDir(t, 'dx-webhooks-');
  const data = join(root, 'data');
  const failing = await receiver(t, 2);
  const good = await receiver(t, 0);
  await addSubscription(data, 'pension-bureau', failing.url);
  await addSubscription(data, 'civil-affairs-portal', good.url);
  startWorker(t, data, redis.url);
  for (const period of ['2026-10', '2026-11']) {
    const drop = join(root, period);
    await generateCity({ persons: 20_000, seed: 4, period, out: drop });
    const run = await runDx(['cycle', '--data', data, '--period', period, '--source', drop, '--wait', '--quiet'], { REDIS_URL: redis.url });
    t.equal(run.code, 0, run.stderr);
    const deadline = Date.now() + 30_000;
    while (listSubscriptions(data).some((s) => s.lastDeliveredPeriod !== period) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  t.same(listSubscriptions(data).map((s) => s.lastDeliveredPeriod), ['2026-11', '2026-11'], 'both subscribers were told of both periods');
  t.equal(failing.received.length, 4, 'the failing receiver got two failed tries and then each period once');
  t.ok(failing.received[1]!.at - failing.received[0]!.at >= 90, 'retries wait (backoff)');
  t.equal(good.received.length, 2);
  const publicKey = webhookPublicKey(data);
  for (const message of good.received) t.ok(verifyWebhook(publicKey, message.signature, message.body), 'the signature verifies');
  const [october, november] = good.received.map((m) => JSON.parse(m.body) as { event: string; period: string; since: string | null; extracts: Record<string, string> });
  t.equal(october!.event, 'period.published');
  t.equal(october!.period, '2026-10');
  t.equal(october!.since, null, 'the first message has nothing to compare with');
  t.equal(november!.since, '2026-10', 'the next one says what changed since the last period told');
  t.match(november!.extracts.population ?? '', /^\/v1\/extracts\/population\?since=2026-10$/);
  const status = await runDx(['status', '--data', data, '--period', '2026-11']);
  t.equal(status.code, 0);
  t.match(status.stdout, /notify\s+completed.*2 subscriber\(s\) to tell/);
});
