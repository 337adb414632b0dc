/**
 * The month a file's rows describe, relative to the drop they arrive in. Files collected at the
 * start of month M often describe M-1 (月初归集); a ledger may carry each row's own month. Every
 * canonical row keeps it as `_reference_period`; rules that compare with a month read that.
 */
import type { CanonicalSchema } from '../schemas/canonicalSchemas.js';

export type ReferencePeriodDeclaration = 'same' | 'previous' | { field: string };

export type ReferencePeriod = { kind: 'same' } | { kind: 'previous' } | { kind: 'field'; field: string; format: 'date' | 'year-month' };

export function resolveReferencePeriod(declared: ReferencePeriodDeclaration | undefined, schema: CanonicalSchema, mapped: Set<string>, problems: string[]): ReferencePeriod {
  if (declared === undefined || declared === 'same') return { kind: 'same' };
  if (declared === 'previous') return { kind: 'previous' };
  const field = schema.fields.find((f) => f.name === declared.field);
  if (!field || (field.format !== 'date' && field.format !== 'year-month')) {
    problems.push(`/referencePeriod/field: "${declared.field}" is not a date or month field of "${schema.name}"`);
    return { kind: 'same' };
  }
  if (!mapped.has(field.name)) problems.push(`/referencePeriod/field: "${declared.field}" is not mapped in /fields`);
  return { kind: 'field', field: field.name, format: field.format };
}

/** The month before `period` (YYYY-MM), `months` times. */
export function monthsBefore(period: string, months = 1): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 1 - months, 1)).toISOString().slice(0, 7);
}

/** The reference month of a drop's rows when it is one month for the whole file (not per row). */
export function dropReferenceMonth(reference: ReferencePeriod, period: string): string {
  return reference.kind === 'previous' ? monthsBefore(period) : period;
}
