/**
 * How `dx` prints: results on stdout, diagnostics on stderr, one format switch for every report,
 * and the same number shapes everywhere (counts with separators, money with two decimals).
 */
import { Option } from 'commander';
import { renderTable, type Cell } from '../report/textTable.js';

export type ReportFormat = 'table' | 'json' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'csv'];

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table');
}

export { formatCount, formatMoney, formatPercent } from '../numberFormat.js';

/**
 * A pipe closed by the reader (`dx ... | head`) is not an error: stop writing, exit as if done.
 * Without this Node throws EPIPE from the next write, with a stack trace.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** A result, on stdout. */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A diagnostic (progress, a warning, an error), on stderr, so that stdout stays the result. */
export function note(text: string): void {
  process.stderr.write(`dx: ${text}\n`);
}

/** A CSV cell (RFC 4180): quoted when it holds a separator, a quote or a line break. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: string[], rows: ReadonlyArray<object>): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell((r as Record<string, unknown>)[c])).join(','))].join('\n') + '\n';
}

/** Rows in the chosen format; a table shows numbers with separators, CSV and JSON keep them plain. */
export function renderRows(format: ReportFormat, columns: string[], rows: ReadonlyArray<object>): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') return toCsv(columns, rows);
  return `${renderTable(columns, rows.map((r) => columns.map((c) => toCell((r as Record<string, unknown>)[c]))))}\n`;
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
