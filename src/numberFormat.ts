/**
 * How numbers are shown to people, one way everywhere (CLI tables and messages, the status record):
 * counts with thousands separators, money in yuan with two decimals.
 */
const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1234567 → "1,234,567". */
export function formatCount(n: number | bigint): string {
  return COUNT.format(n);
}

/** 1234.5 → "1,234.50" (an amount may arrive as DuckDB's DECIMAL text). */
export function formatMoney(amount: number | string): string {
  return MONEY.format(typeof amount === 'string' ? Number(amount) : amount);
}

/** A ratio as a percentage with two decimals: 0.01234 → "1.23%". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
