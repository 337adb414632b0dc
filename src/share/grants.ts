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

/** Bounds of what a grant states: the access store is read on every request, and must stay small. */
export const GRANT_LIMITS = { purposes: 20, purposeLength: 200, legalBasisLength: 500, reasonLength: 2000 } as const;

/** A decision's or a grant's purposes and legal basis, bounded, before anything is written. */
function checkBounds(request: GrantRequest): void {
  if (request.purposes.length === 0 || request.purposes.some((p) => typeof p !== 'string' || !p.trim())) throw new GrantError('a grant names at least one purpose');
  if (request.purposes.length > GRANT_LIMITS.purposes) throw new GrantError(`a grant names at most ${GRANT_LIMITS.purposes} purposes`);
  if (request.purposes.some((p) => p.length > GRANT_LIMITS.purposeLength)) throw new GrantError(`a purpose is at most ${GRANT_LIMITS.purposeLength} characters`);
  if ((request.legalBasis?.length ?? 0) > GRANT_LIMITS.legalBasisLength) throw new GrantError(`a legal basis is at most ${GRANT_LIMITS.legalBasisLength} characters`);
}

function checkedResource(request: GrantRequest, state: AccessState, now = Date.now()): CatalogResource {
  const resource = catalogResource(request.resource);
  if (!resource) throw new GrantError(`no resource "${request.resource}" in the catalogue`, 404);
  if (resource.sharing === 'not_shared') throw new GrantError(`"${resource.id}" is not shared: ${resource.legalBasis ?? ''}`.trim(), 403);
  if (!state.clients.some((c) => c.id === request.client)) throw new GrantError(`no client "${request.client}"`, 404);
  checkBounds(request);
  const expires = Date.parse(request.expiresAt);
  if (Number.isNaN(expires)) throw new GrantError(`expiry "${request.expiresAt.slice(0, 40)}" is not a date`);
  if (expires <= now) throw new GrantError(`expiry ${request.expiresAt.slice(0, 40)} has passed: a grant cannot be made already expired`);
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

/** Runs before a change is written, under the store's lock: where its audit record is written. */
export type BeforeCommit = (grant: Grant) => Promise<void>;

/** An administrator's grant of an unconditional resource, active at once. */
export async function grantUnconditional(store: AccessStore, request: GrantRequest, by: string, beforeCommit?: BeforeCommit): Promise<Grant> {
  return store.update((state) => {
    const resource = checkedResource(request, state);
    if (resource.sharing !== 'unconditional') throw new GrantError(`"${resource.id}" is conditional: the client applies and ${resource.provider} decides`, 409);
    const now = new Date().toISOString();
    const grant: Grant = { id: randomUUID(), ...request, status: 'active', requestedAt: now, decidedBy: by, decidedAt: now };
    state.grants.push(grant);
    return grant;
  }, beforeCommit);
}

/** A client's application for a conditional resource: pending until the provider decides. */
export async function requestGrant(store: AccessStore, request: GrantRequest, beforeCommit?: BeforeCommit): Promise<Grant> {
  if (!request.legalBasis?.trim()) throw new GrantError('a request states its legal basis');
  return store.update((state) => {
    checkedResource(request, state);
    const grant: Grant = { id: randomUUID(), ...request, status: 'pending', requestedAt: new Date().toISOString() };
    state.grants.push(grant);
    return grant;
  }, beforeCommit);
}

/**
 * Who decides: a client of the API (id and department), or an administrator at the command line
 * (a name, no department).
 */
export interface Decider {
  by: string;
  department?: string;
}

/**
 * Separation of duties: nobody decides a request they made, nor one made by a client of their own
 * department (a department approving its own access is no check at all). Why not, or null.
 */
export function conflictOfInterest(state: AccessState, grant: Grant, decider: Decider): string | null {
  if (decider.by === grant.client) return 'nobody decides a request they made';
  const applicant = state.clients.find((c) => c.id === grant.client);
  if (decider.department !== undefined && applicant?.department === decider.department) {
    return `the request was made by ${applicant.id} of ${applicant.department}: a department does not decide its own requests`;
  }
  return null;
}

function checkedReason(reason: string | undefined, what: string): string {
  const text = reason?.trim();
  if (!text) throw new GrantError(`${what} gives its reason`);
  if (text.length > GRANT_LIMITS.reasonLength) throw new GrantError(`a reason is at most ${GRANT_LIMITS.reasonLength} characters`);
  return text;
}

export async function decideGrant(store: AccessStore, id: string, decision: Decider & { approve: boolean; reason?: string }, beforeCommit?: BeforeCommit): Promise<Grant> {
  const reason = checkedReason(decision.reason, decision.approve ? 'an approval' : 'a refusal');
  return store.update((state) => {
    const grant = state.grants.find((g) => g.id === id);
    if (!grant) throw new GrantError(`no request "${id}"`, 404);
    if (grant.status !== 'pending') throw new GrantError(`request "${id}" is ${grant.status}, not pending`, 409);
    const conflict = conflictOfInterest(state, grant, decision);
    if (conflict) throw new GrantError(conflict, 403);
    if (Date.parse(grant.expiresAt) <= Date.now()) throw new GrantError(`request "${id}" asked for access until ${grant.expiresAt}, which has passed`, 409);
    Object.assign(grant, { status: decision.approve ? 'active' : 'refused', decidedBy: decision.by, decidedAt: new Date().toISOString(), reason });
    return grant;
  }, beforeCommit);
}

export async function revokeGrant(store: AccessStore, id: string, by: string, reason: string, beforeCommit?: BeforeCommit): Promise<Grant> {
  const why = checkedReason(reason, 'a revocation');
  return store.update((state) => {
    const grant = state.grants.find((g) => g.id === id);
    if (!grant) throw new GrantError(`no grant "${id}"`, 404);
    Object.assign(grant, { status: 'revoked', decidedBy: by, decidedAt: new Date().toISOString(), reason: why });
    return grant;
  }, beforeCommit);
}

/** The client's active, unexpired grant of the resource for the purpose, if any. Deny by default. */
export function findGrant(state: AccessState, client: string, resource: string, purpose: string | undefined, now = Date.now()): Grant | undefined {
  if (!purpose) return undefined;
  return state.grants.find((g) => g.client === client && g.resource === resource && g.status === 'active' && g.purposes.includes(purpose) && Date.parse(g.expiresAt) > now);
}
