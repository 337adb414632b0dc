/**
 * The demo's department systems and what each may see, so the README's curl commands have
 * someone to be. Keys are written to DIR/keys/<client>.key (readable by the owner only).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessStore, type FieldAccess, type Role } from '../share/accessStore.js';
import { addClient, decideGrant, grantUnconditional, requestGrant } from '../share/grants.js';

interface DemoClient {
  id: string;
  department: string;
  roles: Role[];
  /** `pending`: the request is left for a steward or the provider to decide (in the console). */
  grants: Array<{ resource: string; fields: Record<string, FieldAccess>; purposes: string[]; conditional?: boolean; pending?: boolean }>;
}

export const DEMO_CLIENTS: DemoClient[] = [
  {
    id: 'civil-affairs-portal', department: 'civil-affairs', roles: ['department'],
    grants: [
      { resource: 'population', conditional: true, purposes: ['minimum living allowance review'], fields: { id_number: 'full', name: 'full', address: 'masked', register_status: 'full', deceased: 'full', marital_status: 'full', minimum_living_allowance: 'full' } },
      { resource: 'population-status', purposes: ['minimum living allowance review'], fields: { alive: 'full', registered_locally: 'full', disability_certificate: 'full', owns_property: 'full' } },
      { resource: 'legal-entity', purposes: ['minimum living allowance review'], fields: { name: 'full', business_status: 'full', tax_status: 'full' } },
      { resource: 'legal-entity-status', purposes: ['minimum living allowance review'], fields: { active: 'full', owns_property: 'full' } },
    ],
  },
  {
    id: 'pension-bureau', department: 'social-security', roles: ['department'],
    grants: [
      { resource: 'population', conditional: true, purposes: ['pension eligibility'], fields: { id_number: 'full', name: 'masked', deceased: 'full', death_date: 'full', pension_status: 'full' } },
      { resource: 'payment-check', purposes: ['pension payment'], fields: { hold: 'full', death_date: 'full', death_evidence: 'full' } },
    ],
  },
  {
    id: 'household-registration-clerk', department: 'police', roles: ['clerk'],
    grants: [{ resource: 'application-review', purposes: ['household registration', 'disability subsidy'], fields: { decision: 'full', facts: 'full' } }],
  },
  { id: 'fraud-analyst', department: 'audit-office', roles: ['analyst'], grants: [] },
  {
    id: 'transport-enforcement', department: 'transport', roles: ['department'],
    grants: [{ resource: 'population', conditional: true, pending: true, purposes: ['traffic fine enforcement'], fields: { name: 'full', address: 'masked' } }],
  },
  // Security administration only: stewarding is console-steward's (三员分立: no client holds both).
  { id: 'data-office-admin', department: 'data-office', roles: ['provider'], grants: [] },
  { id: 'city-auditor', department: 'audit-office', roles: ['auditor'], grants: [] },
  // Console users, one per role: what each may see is in docs/console.md.
  { id: 'console-steward', department: 'data-office', roles: ['steward'], grants: [] },
  { id: 'console-analyst', department: 'data-office', roles: ['analyst'], grants: [] },
  { id: 'console-auditor', department: 'audit-office', roles: ['auditor'], grants: [] },
  { id: 'civil-affairs-admin', department: 'civil-affairs', roles: ['provider'], grants: [] },
];

/** The demo's console logins, by role, for what `npm run demo` prints. */
export const CONSOLE_USERS: Array<{ client: string; role: string }> = [
  { client: 'console-steward', role: 'steward' },
  { client: 'console-analyst', role: 'analyst' },
  { client: 'console-auditor', role: 'auditor' },
  { client: 'civil-affairs-admin', role: 'department administrator (civil-affairs)' },
];

export function keysDir(root: string): string {
  return join(root, 'keys');
}

/** Create the demo clients and grants once; later runs keep them (and their keys). */
export async function ensureDemoAccess(root: string, dataDir: string): Promise<void> {
  const store = new AccessStore(join(dataDir, 'access'));
  mkdirSync(keysDir(root), { recursive: true });
  const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
  for (const demo of DEMO_CLIENTS) {
    if (store.read().clients.some((c) => c.id === demo.id) && existsSync(join(keysDir(root), `${demo.id}.key`))) continue;
    const { key } = await addClient(store, { id: demo.id, name: demo.id, department: demo.department, roles: demo.roles });
    const file = join(keysDir(root), `${demo.id}.key`);
    writeFileSync(file, key);
    chmodSync(file, 0o600);
    for (const g of demo.grants) {
      if (g.conditional) {
        const request = await requestGrant(store, { client: demo.id, resource: g.resource, fields: g.fields, purposes: g.purposes, expiresAt, legalBasis: 'demo: 城乡最低生活保障 / 养老保险 regulations' });
        if (g.pending) continue;
        await decideGrant(store, request.id, { approve: true, by: 'data-office-admin', reason: 'demo' });
      } else {
        await grantUnconditional(store, { client: demo.id, resource: g.resource, fields: g.fields, purposes: g.purposes, expiresAt }, 'data-office-admin');
      }
    }
  }
}

export function demoKey(root: string, client: string): string {
  return readFileSync(join(keysDir(root), `${client}.key`), 'utf8').trim();
}
