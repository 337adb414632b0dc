/**
 * dx clients / dx grants: who may call the API, and what each may see. Every change is an
 * administrative action in the audit trail (chain admin-<host>), written before the change is.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { AuditLog } from '../../audit/auditLog.js';
import { isoNow } from '../../audit/clock.js';
import { auditDirOf } from '../../routes/audit.js';
import { AccessStore, type FieldAccess, type Role } from '../../share/accessStore.js';
import { rotateClientKey, revokeClient, setClientDisabled } from '../../share/clientLifecycle.js';
import { addClient, decideGrant, grantUnconditional, requestGrant, revokeGrant } from '../../share/grants.js';
import { renderTable } from '../../report/textTable.js';

const storeOf = (options: { data: string }) => new AccessStore(join(resolve(options.data), 'access'));
const dataOption = () => new Option('--data <dir>', 'where the DuckDB files live').default('./data');

/** The administrator at this terminal, as the audit names them. */
const administrator = () => `admin:${userInfo().username}`;

/**
 * The audit record of one administrative action, written before the change commits (pass it as the
 * store's beforeCommit). One chain per host; a second administrator at work on it at once gets a chain of its own.
 */
function recordAdminAction(options: { data: string }, resource: string, action: string, subjects: (changed: { id: string }) => string[], reason?: string) {
  return async (changed: { id: string }): Promise<void> => {
    const dir = auditDirOf(resolve(options.data));
    const host = hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-');
    const log = await AuditLog.open(dir, `admin-${host}`).catch(() => AuditLog.open(dir, `admin-${host}-${process.pid}`));
    try {
      await log.append({
        time: isoNow(), requestId: randomUUID(), client: administrator(), department: null, purpose: 'administration',
        resource, action, subjects: subjects(changed), fields: [], outcome: 'allowed', status: 200, ...(reason ? { reason } : {}),
      });
    } finally {
      await log.close();
    }
  };
}

/** "name,address:masked" → { name: 'full', address: 'masked' } */
export function parseFields(text: string): Record<string, FieldAccess> {
  return Object.fromEntries(text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const [name, access] = entry.split(':');
    if (access && access !== 'masked' && access !== 'full') throw new Error(`field "${entry}": access must be full or masked`);
    return [name!, (access ?? 'full') as FieldAccess];
  }));
}

function expiry(days: string): string {
  const n = Number(days);
  if (!(n > 0)) throw new Error(`--days ${days}: a grant or key is valid for a positive number of days (it cannot be made already expired)`);
  return new Date(Date.now() + n * 86_400_000).toISOString();
}

function clientStatus(c: { disabled?: boolean; revokedAt?: string; keyExpiresAt?: string }): string {
  if (c.revokedAt) return 'revoked';
  if (c.disabled) return 'disabled';
  if (c.keyExpiresAt && Date.parse(c.keyExpiresAt) <= Date.now()) return 'key expired';
  return 'active';
}

export function registerAccessCommands(program: Command): void {
  const clients = program.command('clients').description('Department systems that call the API');
  clients.command('add').description('Register a client; prints its API key once (only a hash is kept)')
    .requiredOption('--id <id>', 'client id, e.g. civil-affairs-portal')
    .requiredOption('--department <department>', 'the department it belongs to')
    .option('--name <name>', 'a readable name')
    .option('--roles <roles>', 'comma-separated: department, provider, steward, analyst, auditor, clerk (steward, provider and auditor never together)', 'department')
    .option('--key-days <n>', 'the key expires after this many days (default: when rotated or revoked)')
    .addOption(dataOption())
    .action(async (options: { id: string; department: string; name?: string; roles: string; keyDays?: string; data: string }) => {
      const { key } = await addClient(storeOf(options), {
        id: options.id, department: options.department, name: options.name ?? options.id, roles: options.roles.split(',').map((r) => r.trim()) as Role[],
        ...(options.keyDays ? { keyExpiresAt: expiry(options.keyDays) } : {}),
      }, recordAdminAction(options, 'clients', 'add', (c) => [c.id]));
      process.stdout.write(`Client ${options.id} registered. Its API key (shown once, keep it secret):\n${key}\n`);
    });
  clients.command('list').description('Registered clients').addOption(dataOption()).action((options: { data: string }) => {
    process.stdout.write(`${renderTable(['id', 'department', 'roles', 'status', 'key expires', 'created'], storeOf(options).read().clients.map((c) => [c.id, c.department, c.roles.join(','), clientStatus(c), c.keyExpiresAt?.slice(0, 16) ?? '', c.createdAt]))}\n`);
  });
  clients.command('revoke').description('Refuse a client for good (its keys never work again)').argument('<id>').requiredOption('--reason <text>').addOption(dataOption())
    .action(async (id: string, o: { reason: string; data: string }) => {
      await revokeClient(storeOf(o), id, o.reason, recordAdminAction(o, 'clients', 'revoke', (c) => [c.id], o.reason));
      process.stdout.write(`Client ${id} revoked.\n`);
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    clients.command(name).description(disabled ? 'Refuse a client until it is enabled again' : 'Accept a disabled client again').argument('<id>').option('--reason <text>').addOption(dataOption())
      .action(async (id: string, o: { reason?: string; data: string }) => {
        await setClientDisabled(storeOf(o), id, disabled, recordAdminAction(o, 'clients', name, (c) => [c.id], o.reason));
        process.stdout.write(`Client ${id} ${disabled ? 'disabled' : 'enabled'}.\n`);
      });
  }
  clients.command('rotate').description('Give a client a new key; the current one stays valid through the stated overlap').argument('<id>')
    .requiredOption('--overlap-hours <n>', 'how long the current key keeps working (0: not at all)')
    .option('--key-days <n>', 'the new key expires after this many days')
    .addOption(dataOption())
    .action(async (id: string, o: { overlapHours: string; keyDays?: string; data: string }) => {
      const { client, key } = await rotateClientKey(storeOf(o), id, { overlapHours: Number(o.overlapHours), ...(o.keyDays ? { expiresInDays: Number(o.keyDays) } : {}) },
        recordAdminAction(o, 'clients', 'rotate', (c) => [c.id], `overlap ${o.overlapHours} h`));
      const until = client.previousKeys?.at(-1)?.validUntil;
      process.stdout.write(`Client ${id} has a new API key (shown once, keep it secret):\n${key}\n${until && Number(o.overlapHours) > 0 ? `The previous key works until ${until}.\n` : 'The previous key no longer works.\n'}`);
    });

  const grants = program.command('grants').description('What each client may see, for which purposes');
  const common = (command: Command) => command
    .requiredOption('--client <id>').requiredOption('--resource <id>', 'a catalogue resource, e.g. population')
    .requiredOption('--fields <list>', 'comma-separated fields, each optionally :masked, e.g. name,address:masked')
    .requiredOption('--purposes <list>', 'comma-separated purposes')
    .option('--days <n>', 'valid for this many days', '365').addOption(dataOption());
  common(grants.command('add').description('Grant an unconditional resource')).action(async (o: { client: string; resource: string; fields: string; purposes: string; days: string; data: string }) => {
    const grant = await grantUnconditional(storeOf(o), { client: o.client, resource: o.resource, fields: parseFields(o.fields), purposes: o.purposes.split(','), expiresAt: expiry(o.days) }, administrator(),
      recordAdminAction(o, 'grants', 'grant', (g) => [g.id, o.client, o.resource]));
    process.stdout.write(`Grant ${grant.id} active until ${grant.expiresAt}.\n`);
  });
  common(grants.command('request').description('Apply for a conditional resource (the provider decides)'))
    .requiredOption('--legal-basis <text>').action(async (o: { client: string; resource: string; fields: string; purposes: string; days: string; data: string; legalBasis: string }) => {
      const grant = await requestGrant(storeOf(o), { client: o.client, resource: o.resource, fields: parseFields(o.fields), purposes: o.purposes.split(','), expiresAt: expiry(o.days), legalBasis: o.legalBasis },
        recordAdminAction(o, 'grants', 'request', (g) => [g.id, o.client, o.resource]));
      process.stdout.write(`Request ${grant.id} is pending the provider's decision.\n`);
    });
  for (const [name, approve] of [['approve', true], ['refuse', false]] as const) {
    grants.command(name).description(approve ? 'Approve a pending request' : 'Refuse a pending request, with the reason')
      .argument('<id>').requiredOption('--reason <text>').option('--by <who>', 'who decides', administrator()).addOption(dataOption())
      .action(async (id: string, o: { reason: string; by: string; data: string }) => {
        const grant = await decideGrant(storeOf(o), id, { approve, by: o.by, reason: o.reason }, recordAdminAction(o, 'grants', name, (g) => [g.id], o.reason));
        process.stdout.write(`Request ${grant.id}: ${grant.status}.\n`);
      });
  }
  grants.command('revoke').argument('<id>').requiredOption('--reason <text>').addOption(dataOption())
    .action(async (id: string, o: { reason: string; data: string }) => {
      await revokeGrant(storeOf(o), id, administrator(), o.reason, recordAdminAction(o, 'grants', 'revoke', (g) => [g.id], o.reason));
      process.stdout.write(`Grant ${id} revoked.\n`);
    });
  grants.command('list').addOption(dataOption()).action((o: { data: string }) => {
    process.stdout.write(`${renderTable(['id', 'client', 'resource', 'status', 'purposes', 'fields', 'expires'], storeOf(o).read().grants.map((g) => [
      g.id, g.client, g.resource, g.status === 'active' && Date.parse(g.expiresAt) <= Date.now() ? 'expired' : g.status, g.purposes.join(','), Object.entries(g.fields).map(([f, a]) => (a === 'masked' ? `${f}:masked` : f)).join(','), g.expiresAt.slice(0, 10),
    ]))}\n`);
  });
}
