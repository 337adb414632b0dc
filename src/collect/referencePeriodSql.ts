/** The `_reference_period` lineage column of a batch's rows, as SQL over its typed table. */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { Connector } from '../connectors/manifest.js';
import { dropReferenceMonth } from '../connectors/referencePeriod.js';
import { valueColumn } from './fieldExpressions.js';

export function referencePeriodSql(connector: Connector, period: string): string {
  const reference = connector.referencePeriod;
  if (reference.kind !== 'field') return str(dropReferenceMonth(reference, period));
  const reader = connector.readers.find((r) => r.field.name === reference.field)!;
  const value = ident(valueColumn(reader));
  // A month field is already YYYY-MM text; a row without the field describes the drop's month.
  return reference.format === 'date' ? `coalesce(strftime(${value}, '%Y-%m'), ${str(period)})` : `coalesce(${value}, ${str(period)})`;
}
