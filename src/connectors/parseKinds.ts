/** How a department's text becomes a canonical value: the parse kinds a manifest can name. */
import type { CanonicalField } from '../schemas/canonicalSchemas.js';

export type ParseKind = 'text' | 'resident_id' | 'uscc' | 'date' | 'month' | 'amount' | 'integer' | 'code';

/** Manifest layouts of dates and months, as DuckDB strptime formats (%m and %d accept one digit too). */
const DATE_LAYOUTS: Record<string, string> = {
  YYYYMMDD: '%Y%m%d',
  'YYYY-MM-DD': '%Y-%m-%d',
  'YYYY/M/D': '%Y/%m/%d',
  'YYYY年M月D日': '%Y年%m月%d日',
  'YYYY.M.D': '%Y.%m.%d',
  // Systems that export a date column as a timestamp: the time is read and dropped.
  'YYYY-MM-DD HH:MM:SS': '%Y-%m-%d %H:%M:%S',
  'YYYY/M/D H:MM:SS': '%Y/%m/%d %H:%M:%S',
  YYYYMMDDHHMMSS: '%Y%m%d%H%M%S',
};
const MONTH_LAYOUTS: Record<string, string> = {
  'YYYY-MM': '%Y-%m',
  YYYYMM: '%Y%m',
  'YYYY年M月': '%Y年%m月',
  'YYYY.MM': '%Y.%m',
  'YYYY/MM': '%Y/%m',
};

/** The parse kind a canonical field implies when the manifest does not name one. */
export function parseKindFor(field: CanonicalField, mapping: { codes?: Record<string, string> }): ParseKind {
  if (mapping.codes) return 'code';
  switch (field.format) {
    case 'date': return 'date';
    case 'year-month': return 'month';
    case 'cn-resident-id': return 'resident_id';
    case 'cn-uscc': return 'uscc';
    default: break;
  }
  if (field.type === 'number') return 'amount';
  if (field.type === 'integer') return 'integer';
  return 'text';
}

/** strptime formats for the manifest's layouts; every layout of the kind when none are named. */
export function strptimeFormats(kind: ParseKind, layouts?: string[]): string[] {
  const table = kind === 'date' ? DATE_LAYOUTS : kind === 'month' ? MONTH_LAYOUTS : undefined;
  if (!table) return [];
  if (!layouts) return Object.values(table);
  return layouts.flatMap((l) => (table[l] ? [table[l]] : []));
}
