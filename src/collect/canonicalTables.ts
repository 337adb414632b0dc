/**
 * The canonical tables: one per canonical schema, every period's rows in it, each row with its
 * lineage (batch, period, connector, department, file, line, file hash).
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
import type { Connector, FieldReader } from '../connectors/manifest.js';
import { keepsOriginal, sqlType, type CanonicalSchema } from '../schemas/canonicalSchemas.js';
import type { Warehouse } from '../store/warehouse.js';

export const LINEAGE_COLUMNS: ReadonlyArray<[string, string]> = [
  ['_batch_id', 'VARCHAR NOT NULL'],
  ['_period', 'VARCHAR NOT NULL'],
  // The month the row describes (YYYY-MM): the drop's period, or as the manifest's referencePeriod says.
  ['_reference_period', 'VARCHAR'],
  ['_connector', 'VARCHAR NOT NULL'],
  ['_department', 'VARCHAR NOT NULL'],
  ['_file', 'VARCHAR NOT NULL'],
  ['_line', 'BIGINT NOT NULL'],
  ['_file_sha256', 'VARCHAR NOT NULL'],
];

export function tableColumns(schema: CanonicalSchema): Array<[string, string]> {
  return [
    ...LINEAGE_COLUMNS,
    ...schema.fields.flatMap((f): Array<[string, string]> => (keepsOriginal(f) ? [[f.name, sqlType(f)], [`${f.name}_original`, 'VARCHAR']] : [[f.name, sqlType(f)]])),
  ];
}

/** Create the table, or add the columns a newer schema version brought. */
export async function ensureCanonicalTable(warehouse: Warehouse, schema: CanonicalSchema): Promise<void> {
  const columns = tableColumns(schema);
  await warehouse.run(`CREATE TABLE IF NOT EXISTS ${ident(schema.table)} (${columns.map(([n, t]) => `${ident(n)} ${t}`).join(', ')})`);
  const existing = new Set(
    (await warehouse.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = ?`, [schema.table])).map((r) => r.column_name),
  );
  for (const [name, type] of columns) {
    if (existing.has(name)) continue;
    await warehouse.run(`ALTER TABLE ${ident(schema.table)} ADD COLUMN ${ident(name)} ${type.replace(' NOT NULL', '')}`);
    // Rows loaded before the reference period was recorded describe their drop's month.
    if (name === '_reference_period') await warehouse.run(`UPDATE ${ident(schema.table)} SET _reference_period = _period`);
  }
}

export interface MappedColumn {
  name: string;
  source: 'value' | 'original';
  reader: FieldReader;
}

/** The canonical columns a connector fills: each mapped field, and the original of identifiers. */
export function canonicalColumns(connector: Connector): MappedColumn[] {
  return connector.readers.flatMap((reader): MappedColumn[] => {
    const value: MappedColumn = { name: reader.field.name, source: 'value', reader };
    return keepsOriginal(reader.field) && reader.value === undefined ? [value, { name: `${reader.field.name}_original`, source: 'original', reader }] : [value];
  });
}
