/** dx clients / dx grants: who may call the API, and what each may see. */
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { AccessStore, type FieldAccess, type Role } from '../../share/accessStore.js';
import { addClient, decideGrant, grantUnconditional, requestGrant, revokeGrant } from '../../share/grants.js';
import { renderTable } from '../../report/textTable.js';

const storeOf = (options: { data: string }) => new AccessStore(join(resolve(options.data), 'access'));
const dataOption = () => new Option('--data <dir>', 'where the DuckDB files live').default('./data');

/** "name,address:masked" → { name: 'full', address: 'masked' } */
export function parseFields(text: string): Record<string, FieldAccess> {
  return Object.fromEntries(text.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const [name, access] = entry.split(':');
    if (access && access !== 'masked' && access !== 'full') throw new Error(`field "${entry}": access must be full or masked`);
    return [name!, (access ?? 'full') as FieldAccess];
  }));
}

function expiry(days: string): string {
  return new Date(Date.now() + Number(days) * 86_400_000).toISOString();
}

export function registerAccessCommands(program: Command): void {
  const clients = program.command('clients').description('Department systems that call the API');
  clients.command('add').description('Register a client; prints its API key once (only a hash is kept)')
    .requiredOption('--id <id>', 'client id, e.g. civil-affairs-portal')
    .requiredOption('--department <department>', 'the department it belongs to')
    .option('--name <name>', 'a readable name')
    .option('--roles <roles>', 'comma-separated: department, provider, steward, analyst, auditor', 'department')
    .addOption(dataOption())
    .action(async (options: { id: string; department: string; name?: string; roles: string; data: string }) => {
      const { key } = await addClient(storeOf(options), { id: options.id, department: options.department, name: options.name ?? options.id, roles: options.roles.split(',').map((r) => r.trim()) as Role[] });
      process.stdout.write(`Client ${options.id} registered. Its API key (shown once, keep it secret):\n${key}\n`);
    });
  clients.command('list').description('Registered clients').addOption(dataOption()).action((options: { data: string }) => {
    process.stdout.write(`${renderTable(['id', 'department', 'roles', 'created'], storeOf(options).read().clients.map((c) => [c.id, c.department, c.roles.join(','), c.createdAt]))}\n`);
  });

  const grants = program.command('grants').description('What each client may see, for which purposes');
  const common = (command: Command) => command
    .requiredOption('--client <id>').requiredOption('--resource <id>', 'a catalogue resource, e.g. population')
    .requiredOption('--fields <list>', 'comma-separated fields, each optionally :masked, e.g. name,address:masked')
    .requiredOption('--purposes <list>', 'comma-separated purposes')
    .option('--days <n>', 'valid for this many days', '365').addOption(dataOption());
  common(grants.command('add').description('Grant an unconditional resource')).action(async (o: { client: string; resource: string; fields: string; purposes: string; days: string; data: string }) => {
    const grant = await grantUnconditional(storeOf(o), { client: o.client, resource: o.resource, fields: parseFields(o.fields), purposes: o.purposes.split(','), expiresAt: expiry(o.days) }, userInfo().username);
    process.stdout.write(`Grant ${grant.id} active until ${grant.expiresAt}.\n`);
  });
  common(grants.command('request').description('Apply for a conditional resource (the provider decides)'))
    .requiredOption('--legal-basis <text>').action(async (o: { client: string; resource: string; fields: string; purposes: string; days: string; data: string; legalBasis: string }) => {
      const grant = await requestGrant(storeOf(o), { client: o.client, resource: o.resource, fields: parseFields(o.fields), purposes: o.purposes.split(','), expiresAt: expiry(o.days), legalBasis: o.legalBasis });
      process.stdout.write(`Request ${grant.id} is pending the provider's decision.\n`);
    });
  for (const [name, approve] of [['approve', true], ['refuse', false]] as const) {
    grants.command(name).description(approve ? 'Approve a pending request' : 'Refuse a pending request, with the reason')
      .argument('<id>').option('--reason <text>').option('--by <who>', 'who decides', userInfo().username).addOption(dataOption())
      .action(async (id: string, o: { reason?: string; by: string; data: string }) => {
        const grant = await decideGrant(storeOf(o), id, { approve, by: o.by, reason: o.reason });
        process.stdout.write(`Request ${grant.id}: ${grant.status}.\n`);
      });
  }
  grants.command('revoke').argument('<id>').requiredOption('--reason <text>').addOption(dataOption())
    .action(async (id: string, o: { reason: string; data: string }) => {
      await revokeGrant(storeOf(o), id, userInfo().username, o.reason);
      process.stdout.write(`Grant ${id} revoked.\n`);
    });
  grants.command('list').addOption(dataOption()).action((o: { data: string }) => {
    process.stdout.write(`${renderTable(['id', 'client', 'resource', 'status', 'purposes', 'fields', 'expires'], storeOf(o).read().grants.map((g) => [
      g.id, g.client, g.resource, g.status, g.purposes.join(','), Object.entries(g.fields).map(([f, a]) => (a === 'masked' ? `${f}:masked` : f)).join(','), g.expiresAt.slice(0, 10),
    ]))}\n`);
  });
}
