/**
 * The SQL of a bulk extract: the granted fields of a view in the published snapshot, masked in
 * SQL as the grant says, optionally only the rows that changed since an earlier period.
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
import type { Grant } from './accessStore.js';
import type { CatalogResource, MaskKind } from './catalog.js';

const SQL_MASKS: Record<MaskKind, (column: string) => string> = {
  id: (c) => `CASE WHEN length(${c}) = 18 THEN substr(${c}, 1, 6) || '********' || substr(${c}, 15) ELSE repeat('*', length(${c})) END`,
  name: (c) => `CASE WHEN length(${c}) <= 1 THEN '*' ELSE substr(${c}, 1, 1) || repeat('*', length(${c}) - 1) END`,
  year: (c) => `substr(CAST(${c} AS VARCHAR), 1, 4)`,
  district: (c) => `regexp_extract(${c}, '^(.*?[市州盟])?(.*?[区县旗])', 0)`,
};

export function extractSql(resource: CatalogResource, grant: Grant, since?: string): { sql: string; params: Record<string, string>; fields: string[] } {
  const table = resource.view!;
  const fields = Object.keys(grant.fields).filter((name) => resource.fields.some((f) => f.name === name));
  const columns = fields.map((name) => {
    const field = resource.fields.find((f) => f.name === name)!;
    const column = ident(name);
    return grant.fields[name] === 'masked' && field.mask ? `${SQL_MASKS[field.mask](column)} AS ${column}` : column;
  });
  const key = ident(resource.key);
  const history = ident(`${table}_history`);
  const changed = since
    ? ` WHERE ${key} IN (SELECT now.key FROM ${history} AS now
          LEFT JOIN ${history} AS before ON before.period = $since AND before.key = now.key
          WHERE now.period = (SELECT max(period) FROM ${history}) AND before.row_md5 IS DISTINCT FROM now.row_md5)`
    : '';
  return { sql: `SELECT ${columns.join(', ')} FROM ${ident(table)}${changed} ORDER BY ${key}`, params: since ? { since } : {}, fields };
}
