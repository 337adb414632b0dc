/** Identifiers and literals for the SQL the linkage engine writes: quoted, never spliced raw. */

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A finite number as a SQL literal (model probabilities are spliced in as constants). */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return `${value}::DOUBLE`;
}
