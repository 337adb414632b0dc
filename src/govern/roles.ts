/**
 * Roles: the parts a dataset plays (schemas/roles.json), declared by each manifest
 * ("roles": [...], every role of its canonical schema when absent). Governance and the
 * cross-checks read death evidence, payments, disability and so on through roles, so which
 * department sends them and what its files are called is never written in a model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../paths.js';
import type { Connector } from '../connectors/manifest.js';
import { departmentOf, loadDepartments, type DepartmentRegistry } from './departments.js';

export interface Role {
  name: string;
  schema: string;
  description: string;
  /** What its identifiers name that a register should know, for orphans. */
  subjects?: 'person' | 'entity';
}

/** One connector playing one role: a row of stg_connector_roles. */
export interface RolePlayer {
  role: string;
  connector: string;
  manifestFile: string;
  department: string;
  departmentKind: string;
  schema: string;
}

let cached: Map<string, Role> | undefined;

export function loadRoles(): Map<string, Role> {
  if (cached) return cached;
  const json = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'roles.json'), 'utf8')) as { roles: Record<string, Omit<Role, 'name'>> };
  cached = new Map(Object.entries(json.roles).map(([name, r]) => [name, { name, ...r }]));
  return cached;
}

/** The relation a role's rows are read from: stg_ + the role with underscores. */
export function roleRelation(role: string): string {
  return `stg_${role.replaceAll('-', '_')}`;
}

export class RoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleError';
  }
}

/** The roles a connector plays: declared in its manifest, each one of its schema's; else all of its schema's. */
export function rolesOf(connector: Pick<Connector, 'manifest' | 'manifestFile' | 'schema'>, roles = loadRoles()): string[] {
  const declared = (connector.manifest as { roles?: string[] }).roles;
  const ofSchema = [...roles.values()].filter((r) => r.schema === connector.schema.name).map((r) => r.name);
  if (!declared) return ofSchema;
  for (const [i, role] of declared.entries()) {
    const known = roles.get(role);
    if (!known) throw new RoleError(`${connector.manifestFile}: /roles/${i}: no role "${role}" (schemas/roles.json has ${[...roles.keys()].join(', ')})`);
    if (known.schema !== connector.schema.name) {
      throw new RoleError(`${connector.manifestFile}: /roles/${i}: role "${role}" is played by "${known.schema}" datasets, not "${connector.schema.name}"`);
    }
  }
  return declared;
}

/** Every (role, connector) of a connector set; an unknown department or role names its manifest. */
export function rolePlayers(connectors: Connector[], registry: DepartmentRegistry = loadDepartments()): RolePlayer[] {
  const roles = loadRoles();
  return connectors.flatMap((c) => {
    const department = departmentOf(c, registry);
    return rolesOf(c, roles).map((role) => ({
      role, connector: c.id, manifestFile: c.manifestFile, department: department.code, departmentKind: department.kind, schema: c.schema.name,
    }));
  });
}

/** A rule or model needs these roles: an error naming it and each role no manifest supplies. */
export function requireRoles(needer: string, needed: string[], players: Array<Pick<RolePlayer, 'role'>>): void {
  const roles = loadRoles();
  const unknown = needed.filter((r) => !roles.has(r));
  if (unknown.length) throw new RoleError(`${needer}: needs unknown role(s) ${unknown.join(', ')} (schemas/roles.json has ${[...roles.keys()].join(', ')})`);
  const supplied = new Set(players.map((p) => p.role));
  const missing = needed.filter((r) => !supplied.has(r));
  if (missing.length) {
    throw new RoleError(`${needer}: needs role(s) ${missing.join(', ')}, which no manifest supplies; declare "roles": [${missing.map((m) => `"${m}"`).join(', ')}] in the manifest of the dataset that plays it`);
  }
}
