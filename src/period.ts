/**
 * A period: one calendar month, written YYYY-MM. The one place that knows its shape and its
 * arithmetic; the checks, the cycle and the CLI ask here.
 */
export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PERIOD = PERIOD_PATTERN;

export function isPeriod(text: string): boolean {
  return PERIOD.test(text);
}

export class PeriodError extends Error {}

/** The period, or an error naming what was given. */
export function parsePeriod(text: string): { year: number; month: number } {
  const match = PERIOD.exec(text);
  if (!match) throw new PeriodError(`period "${text}" is not YYYY-MM`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function formatPeriod(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The period `months` after `period` (negative: before). */
export function addMonths(period: string, months: number): string {
  const { year, month } = parsePeriod(period);
  const index = year * 12 + (month - 1) + months;
  return formatPeriod(Math.floor(index / 12), (index % 12) + 1);
}

export function previousPeriod(period: string): string {
  return addMonths(period, -1);
}

export function nextPeriod(period: string): string {
  return addMonths(period, 1);
}

/** A day of the month after the period, YYYY-MM-DD (when the period's files are due). */
export function dayOfNextMonth(period: string, day: number): string {
  return `${nextPeriod(period)}-${String(day).padStart(2, '0')}`;
}

/** Periods compare as text; this says so where an order matters. */
export function comparePeriods(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The periods a folder's file names speak of (YYYYMM or YYYY-MM, not inside a longer number), for
 * telling an operator which periods a drop folder holds when it holds none of the one asked for.
 */
export function periodsNamedIn(names: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const name of names) {
    for (const m of name.matchAll(/(?<!\d)(\d{4})-?(0[1-9]|1[0-2])(?!\d)/g)) found.add(formatPeriod(Number(m[1]), Number(m[2])));
  }
  return [...found].sort();
}
