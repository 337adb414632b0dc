/**
 * A published exchange for API tests: the committed sample city run through the cycle (two
 * periods, published with a steward's override), clients with grants, and the real app.
 */
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { exchangeApp, type AppOptions } from '../../src/app.js';
import { exchangeServerOptions } from '../../src/server.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { connectorIdsOf, runCycle } from '../../src/cycle/runCycle.js';
import { publishPeriod } from '../../src/govern/publish.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { AccessStore, type FieldAccess, type Role } from '../../src/share/accessStore.js';
import { addClient, decideGrant, grantUnconditional, requestGrant } from '../../src/share/grants.js';
import { Warehouse } from '../../src/store/warehouse.js';
import { tempDir } from './warehouse.js';

export const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');

/** Cycle and publish the sample's periods into a fresh data directory. */
export async function publishedDataDir(t: Test, periods = ['2026-10', '2026-11']): Promise<string> {
  const dataDir = join(tempDir(t, 'dx-exchange-'), 'data');
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    const set = loadConnectorSet();
    for (const period of periods) {
      await runCycle(warehouse, set, { period, source: join(SAMPLE, period), until: 'govern' });
      await publishPeriod(warehouse, connectorIdsOf(set), { period, publishedBy: 'test', overrideReason: 'sample data: faults planted on purpose' });
    }
  } finally {
    warehouse.close();
  }
  return dataDir;
}

export async function publishNext(dataDir: string, period: string): Promise<void> {
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    const set = loadConnectorSet();
    await runCycle(warehouse, set, { period, source: join(SAMPLE, period), until: 'govern' });
    await publishPeriod(warehouse, connectorIdsOf(set), { period, publishedBy: 'test', overrideReason: 'test' });
  } finally {
    warehouse.close();
  }
}

export interface TestClient {
  id: string;
  key: string;
  headers: { authorization: string };
}

export async function client(dataDir: string, id: string, department: string, roles: Role[] = ['department']): Promise<TestClient> {
  const { key } = await addClient(new AccessStore(join(dataDir, 'access')), { id, name: id, department, roles });
  return { id, key, headers: { authorization: `Bearer ${key}` } };
}

export async function grant(dataDir: string, clientId: string, resource: string, fields: Record<string, FieldAccess>, purposes = ['benefit review']): Promise<string> {
  const store = new AccessStore(join(dataDir, 'access'));
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  if (resource === 'population' || resource === 'access-log') {
    const request = await requestGrant(store, { client: clientId, resource, fields, purposes, expiresAt, legalBasis: 'test' });
    return (await decideGrant(store, request.id, { approve: true, by: 'test', reason: 'test grant' })).id;
  }
  return (await grantUnconditional(store, { client: clientId, resource, fields, purposes, expiresAt }, 'test')).id;
}

export async function exchange(t: Test, dataDir: string, options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const server = Fastify(exchangeServerOptions({ logLevel: 'silent' }));
  await server.register(exchangeApp, { dataDir, auditChain: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, snapshotPollMs: 50, ...options });
  await server.ready();
  t.teardown(() => server.close());
  return server;
}
