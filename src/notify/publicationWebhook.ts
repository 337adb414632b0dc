/**
 * Telling a subscribed department that a period was published: one signed POST per
 * subscriber, naming the period and where to pull only what changed since the last period it
 * was told about.
 */
import { randomUUID } from 'node:crypto';
import { markDelivered, type Subscription } from './subscriptions.js';
import { SIGNATURE_HEADER, signWebhook } from './webhookSigning.js';

export interface PublishedPeriod {
  period: string;
  publishedAt: string;
  overridden: boolean;
  /** Shared resources a subscriber may extract. */
  resources: string[];
}

export interface PublicationEvent {
  event: 'period.published';
  deliveryId: string;
  period: string;
  publishedAt: string;
  overridden: boolean;
  since: string | null;
  extracts: Record<string, string>;
}

export function publicationEvent(published: PublishedPeriod, subscription: Subscription): PublicationEvent {
  const since = subscription.lastDeliveredPeriod && subscription.lastDeliveredPeriod < published.period ? subscription.lastDeliveredPeriod : null;
  const query = since ? `?since=${since}` : '';
  return {
    event: 'period.published',
    deliveryId: randomUUID(),
    period: published.period,
    publishedAt: published.publishedAt,
    overridden: published.overridden,
    since,
    extracts: Object.fromEntries(published.resources.map((r) => [r, `/v1/extracts/${r}${query}`])),
  };
}

/** One attempt; throws when the receiver does not answer 2xx in time, so the caller retries. */
export async function deliverPublication(dataDir: string, subscription: Subscription, published: PublishedPeriod, timeoutMs = 10_000): Promise<void> {
  const body = JSON.stringify(publicationEvent(published, subscription));
  let response: Response;
  try {
    response = await fetch(subscription.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(dataDir, body) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new Error(`webhook to ${subscription.client} (${subscription.url}) failed: ${(error as Error).message}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`webhook to ${subscription.client} (${subscription.url}) answered ${response.status}`);
  await markDelivered(dataDir, subscription.id, published.period);
}
