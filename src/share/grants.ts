/**
 * Grants: a client may see one resource's fields (each in full or masked), for stated purposes,
 * until an expiry. Deny by default. An unconditional resource is granted by an administrator;
 * a conditional one needs a request with purpose and legal basis that the provider approves or
 * refuses with a reason.
 */
import { randomUUID } from 'node:crypto';
import type { AccessState, AccessStore, Client, FieldAccess, Grant, Role } from './accessStore.js';
import { hashKey, newApiKey } from './accessStore.js';
import { catalogResource, type CatalogResource } from './catalog.js';

export class GrantError extends Error {
  constructor(message: string, readonly statusCode = 400) {
    super(message);
  }
}

export interface GrantRequest {
  client: string;
  resource: string;
  fields: Record<string, FieldAccess>;
  purposes: string[];
  expiresAt: string;
  legalBasis?: string;
}

function checkedResource(request: GrantRequest, state: AccessState): CatalogResource {
  const resource = catalogResource(request.resource);
  if (!resource) throw new GrantError(`no resource "${request.resource}" in the catalogue`, 404);
  if (resource.sharing === 'not_shared') throw new GrantError(`"${resource.id}" is not shared: ${resource.legalBasis ?? ''}`.trim(), 403);
  if (!state.clients.some((c) => c.id === request.client)) throw new GrantError(`no client "${request.client}"`, 404);
  if (request.purposes.length === 0 || request.purposes.some((p) => !p.trim())) throw new GrantError('a grant names at least one purpose');
  if (Number.isNaN(Date.parse(request.expiresAt))) throw new GrantError(`expiry "${request.expiresAt}" is not a date`);
  const names = Object.keys(request.fields);
  if (names.length === 0) throw new GrantError('a grant names at least one field');
  for (const [name, access] of Object.entries(request.fields)) {
    const field = resource.fields.find((f) => f.name === name);
    if (!field) throw new GrantError(`"${resource.id}" has no field "${name}"`);
    if (access === 'masked' && !field.mask) throw new GrantError(`field "${name}" cannot be shared masked`);
  }
  return resource;
}

export async function addClient(store: AccessStore, input: { id: string; name: string; department: string; roles: Role[] }): Promise<{ client: Client; key: string }> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.id)) throw new GrantError(`client id "${input.id}" must be lowercase letters, digits and dashes`);
  const key = newApiKey(input.id);
  const client: Client = { ...input, keyHash: hashKey(key), createdAt: new Date().toISOString() };
  await store.update((state) => {
    if (state.clients.some((c) => c.id === input.id)) throw new GrantError(`client "${input.id}" exists`, 409);
    state.clients.push(client);
  });
  return { client, key };
}

/** An administrator's grant of an unconditional resource, active at once. */
export async function grantUnconditional(store: AccessStore, request: GrantRequest, by: string): Promise<Grant> {
  return store.update((state) => {
    const resource = checkedResource(request, state);
    if (resource.sharing !== 'unconditional') throw new GrantError(`"${resource.id}" is conditional: the client applies and ${resource.provider} decides`, 409);
    const now = new Date().toISOString();
    const grant: Grant = { id: randomUUID(), ...request, status: 'active', requestedAt: now, decidedBy: by, decidedAt: now };
    state.grants.push(grant);
    return grant;
  });
}

/** A client's application for a conditional resource: pending until the provider decides. */
export async function requestGrant(store: AccessStore, request: GrantRequest): Promise<Grant> {
  if (!request.legalBasis?.trim()) throw new GrantError('a request states its legal basis');
  return store.update((state) => {
    checkedResource(request, state);
    const grant: Grant = { id: randomUUID(), ...request, status: 'pending', requestedAt: new Date().toISOString() };
    state.grants.push(grant);
    return grant;
  });
}

export async function decideGrant(store: AccessStore, id: string, decision: { approve: boolean; by: string; reason?: string }): Promise<Grant> {
  if (!decision.approve && !decision.reason?.trim()) throw new GrantError('a refusal gives its reason');
  return store.update((state) => {
    const grant = state.grants.find((g) => g.id === id);
    if (!grant) throw new GrantError(`no request "${id}"`, 404);
    if (grant.status !== 'pending') throw new GrantError(`request "${id}" is ${grant.status}, not pending`, 409);
    Object.assign(grant, { status: decision.approve ? 'active' : 'refused', decidedBy: decision.by, decidedAt: new Date().toISOString(), reason: decision.reason });
    return grant;
  });
}

export async function revokeGrant(store: AccessStore, id: string, by: string, reason: string): Promise<Grant> {
  return store.update((state) => {
    const grant = state.grants.find((g) => g.id === id);
    if (!grant) throw new GrantError(`no grant "${id}"`, 404);
    Object.assign(grant, { status: 'revoked', decidedBy: by, decidedAt: new Date().toISOString(), reason });
    return grant;
  });
}

/** The client's active, unexpired grant of the resource for the purpose, if any. Deny by default. */
export function findGrant(state: AccessState, client: string, resource: string, purpose: string | undefined, now = Date.now()): Grant | undefined {
  if (!purpose) return undefined;
  return state.grants.find((g) => g.client === client && g.resource === resource && g.status === 'active' && g.purposes.includes(purpose) && Date.parse(g.expiresAt) > now);
}
