/**
 * The staging layer, generated from one template: the only models that read the raw canonical
 * tables collect writes. Per canonical table, stg_<table> is every row with its lineage and the
 * period the row describes (`reference_period`); per role, stg_<role> is the rows of the
 * connectors that play it; stg_connector_roles says who plays what. Views, so the models'
 * filters on `_period` reach the raw tables.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { CanonicalSchema } from '../schemas/canonicalSchemas.js';
import type { Model } from './modelGraph.js';
import { loadRoles, roleRelation, type RolePlayer } from './roles.js';

/**
 * The month a row describes: collect's `_reference_period` lineage column (a file collected at
 * the start of month M may describe M-1, as its manifest declares), or the drop's month for a
 * table written before collect kept it. Once every canonical table has the column, this is
 * `_reference_period` alone: this is the one place to change, and every model and cross-check
 * follows.
 */
function referencePeriod(hasColumn: boolean): string {
  return hasColumn ? 'coalesce(_reference_period, _period)' : '_period';
}

export function stagingRelation(schema: Pick<CanonicalSchema, 'table'>): string {
  return `stg_${schema.table}`;
}

function tableStaging(schema: CanonicalSchema, hasReferencePeriod: boolean): Model {
  return {
    name: stagingRelation(schema), layer: 'staging', origin: `staging of ${schema.table} (src/govern/staging.ts)`, materialized: 'view',
    sql: `SELECT *, CAST(${referencePeriod(hasReferencePeriod)} AS VARCHAR) AS reference_period FROM ${ident(schema.table)}`,
    inputs: [schema.table], tests: [],
  };
}

function roleStaging(role: string, schema: CanonicalSchema, players: RolePlayer[]): Model {
  const connectors = players.filter((p) => p.role === role).map((p) => p.connector);
  const where = connectors.length ? `_connector IN (${connectors.map(str).join(', ')})` : 'false';
  return {
    name: roleRelation(role), layer: 'staging', origin: `staging of role ${role} (src/govern/staging.ts)`, materialized: 'view',
    sql: `SELECT * FROM ${ident(stagingRelation(schema))} WHERE ${where}`,
    inputs: [stagingRelation(schema)], tests: [],
  };
}

/** Who plays which role this run: connector, department, its kind, and what its subjects are. */
function connectorRoles(players: RolePlayer[]): Model {
  const roles = loadRoles();
  const rows = players.map((p) => `(${[p.role, p.connector, p.department, p.departmentKind, p.schema].map(str).join(', ')}, ${roles.get(p.role)?.subjects ? str(roles.get(p.role)!.subjects!) : 'NULL'})`);
  const columns = 'role, connector, department, department_kind, schema_name, subjects';
  return {
    name: 'stg_connector_roles', layer: 'staging', origin: 'the manifests\' roles (src/govern/staging.ts)', materialized: 'table',
    sql: rows.length
      ? `SELECT * FROM (VALUES ${rows.join(', ')}) AS t(${columns})`
      : `SELECT * FROM (VALUES ('', '', '', '', '', CAST(NULL AS VARCHAR))) AS t(${columns}) WHERE false`,
    inputs: [], tests: [{ kind: 'unique', text: 'unique: role, connector', severity: 'error', columns: ['role', 'connector'] }],
  };
}

/** `withReferencePeriod`: the raw tables that carry collect's `_reference_period` column. */
export function stagingModels(schemas: CanonicalSchema[], players: RolePlayer[], withReferencePeriod: ReadonlySet<string> = new Set()): Model[] {
  const bySchema = new Map(schemas.map((s) => [s.name, s]));
  const roleModels = [...loadRoles().values()].flatMap((role) => {
    const schema = bySchema.get(role.schema);
    if (!schema) throw new Error(`schemas/roles.json: role ${role.name} is played by "${role.schema}", which is no canonical schema`);
    if (schemas.some((s) => stagingRelation(s) === roleRelation(role.name))) throw new Error(`schemas/roles.json: role ${role.name} is named like a canonical table`);
    return [roleStaging(role.name, schema, players)];
  });
  return [...schemas.map((s) => tableStaging(s, withReferencePeriod.has(s.table))), ...roleModels, connectorRoles(players)];
}
