/**
 * The derivation compiler against a reference written in plain TypeScript: for any text, the
 * SQL DuckDB runs gives what the manifest's words say (property tests with fast-check).
 */
import fc from 'fast-check';
import t from 'tap';
import { quotedString as str } from '@duckdb/node-api';
import { cleanSql, derivedTextSql, sourceTextSql } from '../../src/collect/derivationSql.js';
import type { CleanStep, Derivation } from '../../src/connectors/fieldDerivation.js';
import { tempWarehouse } from '../helpers/warehouse.js';

const plain = (d: Partial<Derivation>): Derivation => ({ nullTokens: [], clean: [], ...d });

/** Text a department might send: digits, letters, CJK, full-width forms, separators, signs. */
const departmentText = fc.string({
  unit: fc.constantFrom(...'0123456789０１２３４５６７８９ＡＢａｂABxX,，.%¥￥元 　-/张王李年月日'.split('')),
  maxLength: 12,
});

function referenceClean(step: CleanStep, s: string): string {
  switch (step) {
    case 'full-width': return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
    case 'spaces': return s.replace(/[ \t\n\r\f\v\u3000\u00A0]+/g, '');
    case 'thousands': { let prev = ''; let out = s; while (prev !== out) { prev = out; out = out.replace(/(\d)[,，](\d)/, '$1$2'); } return out; }
    case 'currency': return s.replace(/[¥￥$]|元|RMB|CNY|人民币/g, '').replace(/^[ \u3000]+|[ \u3000]+$/g, '');
    case 'upper': return s.toUpperCase();
    case 'percent': return s; // numeric: checked by example below
  }
}

t.test('each cleaning step does in DuckDB what it says', async (t) => {
  const warehouse = await tempWarehouse(t);
  for (const step of ['full-width', 'spaces', 'currency', 'upper'] as const) {
    await fc.assert(fc.asyncProperty(fc.array(departmentText, { minLength: 1, maxLength: 20 }), async (texts) => {
      const rows = await warehouse.all<{ v: string }>(`SELECT ${cleanSql(step, 'x')} AS v FROM (SELECT unnest([${texts.map(str).join(', ')}]) AS x, generate_subscripts([${texts.map(str).join(', ')}], 1) AS i) ORDER BY i`);
      t.same(rows.map((r) => r.v), texts.map((s) => referenceClean(step, s)), step);
    }), { numRuns: 15 });
  }
  // Thousands separators go only between digits: "1,234,567" → "1234567", a list "a,b" stays.
  const thousands = await warehouse.all<{ v: string }>(`SELECT ${cleanSql('thousands', 'x')} AS v FROM (SELECT unnest(['1,234,567', '1，234.50', 'a,b', '12,']) AS x)`);
  t.same(thousands.map((r) => r.v).sort(), ['1234.50', '1234567', '12,', 'a,b'].sort());
  const percent = await warehouse.all<{ v: string }>(`SELECT ${cleanSql('percent', 'x')} AS v FROM (SELECT unnest(['12.5%', '100%', 'abc%', '7']) AS x)`);
  t.same(percent.map((r) => (Number.isNaN(Number(r.v)) ? r.v : String(Number(r.v)))).sort(), ['0.125', '1', '7', 'abc%'].sort());
});

t.test('slice, extract and lookup agree with the reference, and fail exactly where it fails', async (t) => {
  const warehouse = await tempWarehouse(t);
  const derive = async (d: Derivation, texts: string[]): Promise<Array<string | null>> => {
    const rows = await warehouse.all<{ v: string | null }>(`SELECT ${derivedTextSql(d, 's')} AS v, i FROM (SELECT unnest(l) AS s, generate_subscripts(l, 1) AS i FROM (SELECT [${texts.map(str).join(', ')}]::VARCHAR[] AS l)) ORDER BY i`);
    return rows.map((r) => r.v);
  };
  await fc.assert(fc.asyncProperty(fc.array(departmentText.filter((s) => s.length > 0), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 6 }), fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), async (texts, start, length) => {
    const chars = (s: string) => [...s];
    const expected = texts.map((s) => {
      const c = chars(s);
      if (c.length < start + (length ?? 1) - 1) return null;
      return c.slice(start - 1, length === undefined ? undefined : start - 1 + length).join('');
    });
    t.same(await derive(plain({ slice: { start, length } }), texts), expected.map((v) => (v === '' ? null : v)));
  }), { numRuns: 25 });
  await fc.assert(fc.asyncProperty(fc.array(departmentText, { minLength: 1, maxLength: 10 }), async (texts) => {
    const re = '^([0-9]{2,4})';
    t.same(await derive(plain({ extract: re }), texts), texts.map((s) => new RegExp(re).exec(s)?.[1] ?? null));
  }), { numRuns: 25 });
  const map = { '1': 'marriage', '2': 'divorce', "o'k": 'x' };
  t.same(await derive(plain({ lookup: { name: 'kinds', map } }), ['1', '2', '3', "o'k"]), ['marriage', 'divorce', null, 'x']);
});

t.test('null tokens, templates and surrogate keys', async (t) => {
  const warehouse = await tempWarehouse(t);
  const column = (c: string) => (c === 'a' ? 'a' : 'b');
  const source = async (d: Derivation, rows: Array<[string | null, string | null]>): Promise<Array<string | null>> => {
    const values = rows.map(([a, b], i) => `(${i}, ${a === null ? 'NULL' : str(a)}, ${b === null ? 'NULL' : str(b)})`).join(', ');
    const out = await warehouse.all<{ v: string | null }>(`SELECT ${sourceTextSql(d, 'a', column, 'f.csv')} AS v FROM (VALUES ${values}) AS r(__line, a, b) ORDER BY __line`);
    return out.map((r) => r.v);
  };
  t.same(await source(plain({ nullTokens: ['无', '-', 'NULL'] }), [['无', null], [' - ', null], ['NULL', null], ['无锡', null], ['', null]]), [null, null, null, '无锡', null]);
  const template = { text: '{a}-{b}', parts: [{ column: 'a' }, { literal: '-' }, { column: 'b' }] };
  t.same(await source(plain({ template }), [['x', 'y'], [' x ', 'y'], ['x', ''], [null, 'y']]), ['x-y', 'x-y', null, null]);
  t.same(await source(plain({ surrogate: 'file-line' }), [['x', 'y'], ['x', 'y']]), ['f.csv:0', 'f.csv:1']);
  await fc.assert(fc.asyncProperty(departmentText, departmentText, departmentText, departmentText, async (a1, b1, a2, b2) => {
    const [h1, h2] = await source(plain({ surrogate: { hash: ['a', 'b'] } }), [[a1, b1], [a2, b2]]);
    const trim = (s: string) => s.replace(/^[ \u3000]+|[ \u3000]+$/g, '');
    t.equal(h1 === h2, trim(a1) === trim(a2) && trim(b1) === trim(b2), 'the same columns give the same key, others another');
  }), { numRuns: 30 });
});
