/**
 * CSV that survives a spreadsheet, read on its bytes: the server's writer (spreadsheetCsv, used
 * by `dx cases` and `dx report`) and the console's download (console/lib/csv.js) write the same
 * bytes, and a spreadsheet's General-format reading of them keeps every digit of an ID number,
 * every leading zero of a code, and runs no formula.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import fc from 'fast-check';
import { spreadsheetCsv } from '../../src/extracts/csvFormat.js';
import { PROJECT_ROOT } from '../../src/paths.js';

type ToCsv = (headers: string[], rows: unknown[][]) => string;
const consoleCsv = (await import(pathToFileURL(join(PROJECT_ROOT, 'console', 'lib', 'csv.js')).href)) as { toCsv: ToCsv };

/** RFC 4180 fields of a CSV text (after the BOM), rows split on CRLF outside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * What a spreadsheet shows for a cell it opened from CSV in General format: ="…" is a formula
 * giving text; an apostrophe marks text; a number keeps 15 significant digits (and shows long
 * ones in scientific notation); any other cell starting with = + - @ is a formula it runs.
 */
function spreadsheetShows(cell: string): { shown: string; formula: boolean } {
  const text = /^="(.*)"$/s.exec(cell);
  if (text) return { shown: text[1]!, formula: false };
  if (cell.startsWith("'")) return { shown: cell.slice(1), formula: false };
  if (/^[=+\-@]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell)) return { shown: cell, formula: true };
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) {
    const n = Number(cell);
    const shown = Math.abs(n) >= 1e11 ? n.toExponential(5).replace('e+', 'E+') : String(Number(n.toPrecision(15)));
    return { shown, formula: false };
  }
  return { shown: cell, formula: false };
}

const idNumber = fc.tuple(fc.stringMatching(/^[1-6]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}$/), fc.constantFrom(...'0123456789X')).map(([a, b]) => a + b);

t.test('an 18-digit ID number opened as a spreadsheet keeps all 18 characters', async (t) => {
  const ids = ['150203198611092653', '110101199003071234', '15020319440202367X', '000000000000000001'];
  const bytes = Buffer.from(spreadsheetCsv(['id_number', 'name'], ids.map((id) => [id, '张三'])), 'utf8');
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM, as Excel wants');
  t.ok(bytes.includes(Buffer.from('\r\n')), 'CRLF line ends');
  const rows = parseCsv(bytes.toString('utf8').slice(1));
  t.same(rows.slice(1).map((r) => spreadsheetShows(r[0]!).shown), ids, 'every digit survives');
  t.equal(rows[1]![1], '张三', 'Chinese stays as it was');
  // What the naive writer did: the cell read as a number loses its last digits.
  t.not(spreadsheetShows('150203198611092653').shown, '150203198611092653', 'a bare 18-digit cell would not survive (the test can fail)');
});

t.test('codes with a leading zero stay codes; formulas are made inert; numbers stay numbers', async (t) => {
  const rows = parseCsv(spreadsheetCsv(['v'], [['0471'], ['=HYPERLINK("http://x","y")'], ['+1+1'], ['-2+3'], ['@SUM(A1)'], ['\tcmd'], [12.5], [-3], ['a, "quoted"']]).slice(1));
  const shown = rows.slice(1).map((r) => spreadsheetShows(r[0]!));
  t.same(shown.map((s) => s.formula), shown.map(() => false), 'no cell runs as a formula');
  t.same(shown.map((s) => s.shown), ['0471', '=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '12.5', '-3', 'a, "quoted"']);
});

t.test('the console\'s download and the server\'s writer write the same bytes', async (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.oneof(idNumber, fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)), fc.string()), { maxLength: 20 }), (rows) => {
    t.equal(consoleCsv.toCsv(['a', 'b'], rows), spreadsheetCsv(['a', 'b'], rows));
    for (const [value] of rows) if (typeof value === 'string' && /^\d{17}[\dX]$/.test(value)) {
      const parsed = parseCsv(spreadsheetCsv(['a'], [[value]]).slice(1));
      if (spreadsheetShows(parsed[1]![0]!).shown !== value) return false;
    }
    return true;
  }), { numRuns: 200 });
});
