// CSV of a table as shown, for spreadsheets: the twin of spreadsheetCsv in
// src/extracts/csvFormat.ts (a test holds the two to the same bytes). ID numbers and codes
// written as ="…" (text in Excel and WPS, all 18 digits and leading zeros kept), text that would
// run as a formula (=, +, -, @, tab, CR first) made inert with an apostrophe, UTF-8 with a BOM,
// CRLF line ends.
const CODE_LIKE = /^(?:\d{12,}|0\d+|\d{17}[Xx])$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const QUOTE_NEEDED = /[",\r\n]/;

export function csvCell(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (CODE_LIKE.test(text)) text = `="${text}"`;
  else if (FORMULA_START.test(text)) text = `'${text}`;
  return QUOTE_NEEDED.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(headers, rows) {
  return `\ufeff${[headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function downloadCsv(fileName, headers, rows) {
  const url = URL.createObjectURL(new Blob([toCsv(headers, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
