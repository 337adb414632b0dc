/**
 * Departments subscribed to publications: where to send the webhook, and the last period each
 * was told about (so the next message says what changed since then). Kept beside the access
 * store, in its own file under the same kind of lock.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readJson, withLock, writeJsonAtomic } from '../store/fileLock.js';

export interface Subscription {
  id: string;
  client: string;
  url: string;
  createdAt: string;
  /** The last period successfully delivered to this subscriber. */
  lastDeliveredPeriod?: string;
}

interface SubscriptionState {
  subscriptions: Subscription[];
}

function fileOf(dataDir: string): string {
  return join(dataDir, 'access', 'subscriptions.json');
}

export function listSubscriptions(dataDir: string): Subscription[] {
  return readJson<SubscriptionState>(fileOf(dataDir))?.subscriptions ?? [];
}

function change<T>(dataDir: string, mutate: (state: SubscriptionState) => T): Promise<T> {
  return withLock(`${fileOf(dataDir)}.lock`, () => {
    const state = readJson<SubscriptionState>(fileOf(dataDir)) ?? { subscriptions: [] };
    const result = mutate(state);
    writeJsonAtomic(fileOf(dataDir), state);
    return result;
  });
}

export function validateWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`webhook url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`webhook url "${url}" must be http(s)`);
  if (parsed.username || parsed.password) throw new Error('webhook url must not carry credentials; the signature authenticates the exchange');
  return parsed.toString();
}

export function addSubscription(dataDir: string, client: string, url: string): Promise<Subscription> {
  const subscription: Subscription = { id: randomUUID(), client, url: validateWebhookUrl(url), createdAt: new Date().toISOString() };
  return change(dataDir, (state) => {
    state.subscriptions.push(subscription);
    return subscription;
  });
}

export function removeSubscription(dataDir: string, id: string): Promise<boolean> {
  return change(dataDir, (state) => {
    const before = state.subscriptions.length;
    state.subscriptions = state.subscriptions.filter((s) => s.id !== id);
    return state.subscriptions.length < before;
  });
}

export function markDelivered(dataDir: string, id: string, period: string): Promise<void> {
  return change(dataDir, (state) => {
    const subscription = state.subscriptions.find((s) => s.id === id);
    if (subscription && (subscription.lastDeliveredPeriod ?? '') < period) subscription.lastDeliveredPeriod = period;
  });
}
