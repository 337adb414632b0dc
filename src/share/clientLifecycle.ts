/**
 * A client's keys over its life: disabled for a while (a suspected leak being looked into), revoked
 * for good, rotated with a stated overlap (the old key keeps working until the client's systems have
 * the new one), and expiring. Each change is made under the access store's lock, after its audit
 * record is written (`beforeCommit`).
 */
import type { AccessState, AccessStore, Client } from './accessStore.js';
import { hashKey, newApiKey } from './accessStore.js';
import { GrantError } from './grants.js';

/** The longest overlap a rotation may state: old keys must not linger. */
export const MAX_OVERLAP_HOURS = 24 * 30;

function found(state: AccessState, id: string): Client {
  const client = state.clients.find((c) => c.id === id);
  if (!client) throw new GrantError(`no client "${id}"`, 404);
  if (client.revokedAt) throw new GrantError(`client "${id}" was revoked on ${client.revokedAt}`, 409);
  return client;
}

type BeforeCommit = (client: Client) => Promise<void>;

/** Refused for good, with the reason. */
export async function revokeClient(store: AccessStore, id: string, reason: string, beforeCommit?: BeforeCommit): Promise<Client> {
  if (!reason.trim()) throw new GrantError('a revocation gives its reason');
  return store.update((state) => {
    const client = found(state, id);
    Object.assign(client, { revokedAt: new Date().toISOString(), revokedReason: reason.trim().slice(0, 2000), previousKeys: [] });
    return client;
  }, beforeCommit);
}

/** Refused (or accepted again) until told otherwise. */
export async function setClientDisabled(store: AccessStore, id: string, disabled: boolean, beforeCommit?: BeforeCommit): Promise<Client> {
  return store.update((state) => {
    const client = found(state, id);
    client.disabled = disabled;
    return client;
  }, beforeCommit);
}

/**
 * A new key; the current one stays valid for `overlapHours` (0: at once invalid), keys older than
 * that are dropped. `expiresInDays`: the new key's own expiry.
 */
export async function rotateClientKey(store: AccessStore, id: string, options: { overlapHours: number; expiresInDays?: number }, beforeCommit?: BeforeCommit): Promise<{ client: Client; key: string }> {
  const { overlapHours, expiresInDays } = options;
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) throw new GrantError(`an overlap is from 0 to ${MAX_OVERLAP_HOURS} hours`);
  if (expiresInDays !== undefined && !(expiresInDays > 0)) throw new GrantError('a key cannot be made already expired');
  const key = newApiKey(id);
  const now = Date.now();
  const client = await store.update((state) => {
    const client = found(state, id);
    const kept = (client.previousKeys ?? []).filter((k) => Date.parse(k.validUntil) > now);
    const currentUntil = Math.min(now + overlapHours * 3_600_000, client.keyExpiresAt ? Date.parse(client.keyExpiresAt) : Number.POSITIVE_INFINITY);
    client.previousKeys = overlapHours > 0 ? [...kept, { keyHash: client.keyHash, validUntil: new Date(currentUntil).toISOString() }] : kept;
    client.keyHash = hashKey(key);
    if (expiresInDays !== undefined) client.keyExpiresAt = new Date(now + expiresInDays * 86_400_000).toISOString();
    else delete client.keyExpiresAt;
    return client;
  }, beforeCommit);
  return { client, key };
}
