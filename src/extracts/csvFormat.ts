/**
 * CSV cells written as bytes. String columns are copied from DuckDB's UTF-8 without ever
 * becoming JavaScript strings; quoting follows RFC 4180 (a field with a comma, quote, CR or
 * LF is quoted, quotes doubled). NULL is an empty field; an empty string is `""` so the
 * two stay distinguishable.
 */
import type { ColumnData } from './columns.js';
import type { Utf8Column } from './duckdbVectors.js';
import { isValid } from './duckdbVectors.js';

const COMMA = 0x2c, QUOTE = 0x22, CR = 0x0d, LF = 0x0a;

/** A growable output buffer for one chunk's CSV. */
export class ByteSink {
  private buffer: Buffer;
  length = 0;
  constructor(capacity = 1 << 16) { this.buffer = Buffer.allocUnsafe(capacity); }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
  byte(value: number): void { this.reserve(1); this.buffer[this.length++] = value; }
  /** Only for strings known to be ASCII (numbers, dates). */
  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }
  text(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length);
  }
  bytes(from: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    for (let i = start; i < end; i++) this.buffer[this.length++] = from[i]!;
  }
  /** A copy of what was written, and the sink emptied for reuse. */
  take(): Buffer {
    const out = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

function needsQuotesBytes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b === COMMA || b === QUOTE || b === CR || b === LF) return true;
  }
  return false;
}

export function writeUtf8Cell(out: ByteSink, column: Utf8Column, row: number): void {
  if (!isValid(column.validity, row)) return;
  const start = column.offsets[row]!, end = column.offsets[row + 1]!;
  if (start !== end && !needsQuotesBytes(column.bytes, start, end)) return out.bytes(column.bytes, start, end);
  out.byte(QUOTE);
  for (let i = start; i < end; i++) {
    const b = column.bytes[i]!;
    if (b === QUOTE) out.byte(QUOTE);
    out.byte(b);
  }
  out.byte(QUOTE);
}

const NEEDS_QUOTES = /[",\r\n]/;
export function writeTextCell(out: ByteSink, text: string): void {
  if (text !== '' && !NEEDS_QUOTES.test(text)) return out.text(text);
  out.text(`"${text.replaceAll('"', '""')}"`);
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** Days since 1970-01-01 → YYYY-MM-DD (proleptic Gregorian; H. Hinnant's civil_from_days). */
export function formatDate(days: number): string {
  if (days === 2147483647) return 'infinity';
  if (days === -2147483647) return '-infinity';
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const yyyy = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : String(year);
  return `${yyyy}-${pad2(month)}-${pad2(day)}`;
}

/** YYYY-MM-DD HH:MM:SS[.fraction], the fraction as many digits as the unit has. */
export function formatTimestamp(value: bigint, perSecond: number): string {
  if (value === 9223372036854775807n) return 'infinity';
  if (value === -9223372036854775807n) return '-infinity';
  const units = BigInt(perSecond);
  let seconds = value / units, fraction = value % units;
  if (fraction < 0n) { seconds -= 1n; fraction += units; }
  const s = Number(seconds);
  const days = Math.floor(s / 86400), time = s - days * 86400;
  const clock = `${pad2(Math.floor(time / 3600))}:${pad2(Math.floor(time / 60) % 60)}:${pad2(time % 60)}`;
  const digits = String(perSecond).length - 1;
  return `${formatDate(days)} ${clock}${digits && fraction ? '.' + String(fraction).padStart(digits, '0') : ''}`;
}

/** An unscaled decimal integer with its point put back, e.g. (12345, 2) → "123.45". */
export function formatDecimal(unscaled: number, scale: number): string {
  if (scale === 0) return String(unscaled);
  const digits = String(Math.abs(unscaled)).padStart(scale + 1, '0');
  return `${unscaled < 0 ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function listJson(column: Extract<ColumnData, { kind: 'list' }>, row: number): string {
  const items: (string | null)[] = [];
  const child = column.child;
  for (let j = column.offsets[row]!; j < column.offsets[row + 1]!; j++) {
    items.push(isValid(child.validity, j) ? Buffer.from(child.bytes.buffer, child.bytes.byteOffset + child.offsets[j]!, child.offsets[j + 1]! - child.offsets[j]!).toString('utf8') : null);
  }
  return JSON.stringify(items);
}

export function writeCell(out: ByteSink, column: ColumnData, row: number): void {
  if (column.kind === 'utf8') return writeUtf8Cell(out, column, row);
  if (!isValid(column.validity, row)) return;
  switch (column.kind) {
    case 'number': return out.ascii(String(column.values[row]));
    case 'date': return out.ascii(formatDate(column.values[row]!));
    case 'timestamp': return out.ascii(formatTimestamp(column.values[row]!, column.perSecond));
    case 'bool': return out.ascii(column.values[row] ? 'true' : 'false');
    case 'decimal': return out.ascii(formatDecimal(column.unscaled[row]!, column.scale));
    case 'list': return writeTextCell(out, listJson(column, row));
    case 'text': return writeTextCell(out, column.strings[row]!);
  }
}

/*
 * CSV for people: what a steward downloads or `dx` writes opens in Excel or WPS as it was.
 * A spreadsheet reads a long run of digits as a number (an 18-digit ID number becomes
 * 1.50203E+17, its last three digits gone) and a leading zero is dropped, so such codes are
 * written as ="…", which both read as text; text a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) gets a leading apostrophe (OWASP's CSV injection advice); UTF-8 with
 * a BOM so that Excel reads Chinese right; CRLF line ends. console/lib/csv.js is its twin for
 * the browser (test/console/csvFormat.test.ts holds the two to the same bytes).
 */
const CODE_LIKE = /^(?:\d{12,}|0\d+|\d{17}[Xx])$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const QUOTE_NEEDED = /[",\r\n]/;

export function spreadsheetCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (CODE_LIKE.test(text)) text = `="${text}"`;
  else if (FORMULA_START.test(text)) text = `'${text}`;
  return QUOTE_NEEDED.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function spreadsheetCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `\ufeff${[headers, ...rows].map((row) => row.map(spreadsheetCell).join(',')).join('\r\n')}\r\n`;
}
