import fc from 'fast-check';
import t from 'tap';
import { splitCsvLine } from '../../src/collect/csvLine.js';

const encode = (cells: string[], delimiter: string) =>
  cells.map((c) => (c.includes(delimiter) || c.includes('"') || c.startsWith(' ') ? `"${c.replaceAll('"', '""')}"` : c)).join(delimiter);

t.test('splitting an encoded row gives its cells back, whatever they hold', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.string({ unit: fc.constantFrom('a', '张', ',', ';', '"', ' ', '·', '1') }), { minLength: 1, maxLength: 8 }),
    fc.constantFrom(',', ';', '\t'),
    (cells, delimiter) => JSON.stringify(splitCsvLine(encode(cells, delimiter), delimiter)) === JSON.stringify(cells),
  ), { numRuns: 500 });
  t.same(splitCsvLine('a,"b,c",d'), ['a', 'b,c', 'd']);
  t.same(splitCsvLine('张"三,x'), ['张"三', 'x'], 'a quote inside an unquoted cell is a character');
});
