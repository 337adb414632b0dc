/**
 * Every citizen ID number the period's batches hold, one row per (row, field), with the name
 * beside it where the dataset has one (the `<x>_name` field of an `<x>_id_number`): the input
 * of identity resolution. Generated from the canonical schemas, so a new ID field is covered
 * without touching SQL.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { CanonicalSchema } from '../schemas/canonicalSchemas.js';
import type { Model } from './modelGraph.js';
import { stagingRelation } from './staging.js';

export function nameFieldFor(schema: CanonicalSchema, idField: string): string | undefined {
  const candidate = idField === 'id_number' ? 'name' : idField.replace(/_id_number$/, '_name');
  return schema.fields.some((f) => f.name === candidate) ? candidate : undefined;
}

/** The model int_id_observations: SELECTs over each canonical table's staging, unioned; `$period`, `$period_end` bound. */
export function idObservationsModel(schemas: CanonicalSchema[]): Model {
  const read = schemas.filter((schema) => schema.fields.some((f) => f.format === 'cn-resident-id'));
  return {
    name: 'int_id_observations', layer: 'intermediate', origin: 'every ID field of the canonical schemas (src/govern/idObservations.ts)', materialized: 'table',
    sql: idObservationsSql(read), inputs: read.map(stagingRelation),
    tests: [{ kind: 'not_null', text: 'not_null: connector, file, line, field, id', severity: 'error', columns: ['connector', 'file', 'line', 'field', 'id'] }],
  };
}

function idObservationsSql(schemas: CanonicalSchema[]): string {
  const selects = schemas
    .flatMap((schema) =>
      schema.fields
        .filter((f) => f.format === 'cn-resident-id')
        .map((f) => {
          const name = nameFieldFor(schema, f.name);
          return `SELECT ${str(schema.name)} AS dataset, ${str(f.name)} AS field, _connector AS connector, _department AS department,
              _batch_id AS batch_id, _file AS file, _line AS line, ${ident(f.name)} AS id, ${ident(`${f.name}_original`)} AS original,
              ${name ? ident(name) : 'CAST(NULL AS VARCHAR)'} AS name
            FROM ${ident(stagingRelation(schema))} WHERE _period = $period AND ${ident(f.name)} IS NOT NULL`;
        }),
    );
  if (selects.length === 0) return `SELECT NULL AS dataset WHERE false`;
  return `SELECT *, dx_name_key(name) AS name_key, dx_resident_id_problem(id, CAST($period_end AS DATE)) AS problem FROM (
    ${selects.join('\n    UNION ALL\n    ')}
  )`;
}
