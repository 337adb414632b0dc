/**
 * Every credit code (USCC, GB 32100) the period's batches hold outside the business register,
 * one row per (row, field), with the name beside it where the dataset has one (`name` beside
 * `uscc`, `<x>_name` beside `<x>_uscc` or `<x>_id`): the input of USCC repair. Generated from
 * the canonical schemas' cn-uscc fields, so a new code field is covered without touching SQL.
 * The business register is the reference the codes are repaired against, so its own rows are
 * not observations.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { CanonicalSchema } from '../schemas/canonicalSchemas.js';
import type { Model } from './modelGraph.js';
import { stagingRelation } from './staging.js';

/** The reference register's role: its codes are what others' codes are repaired to. */
export const REFERENCE_ROLE = 'business-register';

export function usccNameFieldFor(schema: CanonicalSchema, codeField: string): string | undefined {
  const prefix = codeField.replace(/_(uscc|id)$/, '');
  const candidates = codeField === 'uscc' ? ['name'] : [`${prefix}_name`];
  return candidates.find((c) => schema.fields.some((f) => f.name === c));
}

export function usccObservationsModel(schemas: CanonicalSchema[]): Model {
  const read = schemas.filter((schema) => schema.fields.some((f) => f.format === 'cn-uscc'));
  const selects = read.flatMap((schema) =>
    schema.fields.filter((f) => f.format === 'cn-uscc').map((f) => {
      const name = usccNameFieldFor(schema, f.name);
      return `SELECT ${str(schema.name)} AS dataset, ${str(f.name)} AS field, _connector AS connector, _department AS department,
          _batch_id AS batch_id, _file AS file, _line AS line, ${ident(f.name)} AS code, ${ident(`${f.name}_original`)} AS original,
          ${name ? ident(name) : 'CAST(NULL AS VARCHAR)'} AS name
        FROM ${ident(stagingRelation(schema))} WHERE _period = $period AND ${ident(f.name)} IS NOT NULL
          AND _connector NOT IN (SELECT connector FROM stg_connector_roles WHERE role = ${str(REFERENCE_ROLE)})`;
    }));
  const sql = selects.length === 0
    ? `SELECT NULL AS dataset WHERE false`
    : `SELECT *, dx_company_name_key(name) AS name_key, dx_uscc_problem(code) AS problem FROM (\n  ${selects.join('\n  UNION ALL\n  ')}\n)`;
  return {
    name: 'int_uscc_observations', layer: 'intermediate', origin: 'every USCC field of the canonical schemas (src/govern/usccObservations.ts)', materialized: 'table',
    sql, inputs: [...read.map(stagingRelation), 'stg_connector_roles'],
    tests: [{ kind: 'not_null', text: 'not_null: connector, file, line, field, code', severity: 'error', columns: ['connector', 'file', 'line', 'field', 'code'] }],
  };
}
