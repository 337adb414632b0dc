// Answers written as UTF-8 bytes give exactly the bytes of the JSON text they stand for.
import t from 'tap';
import fc from 'fast-check';
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import { LoadedColumnView } from '../../src/share/columnView.js';
import { JsonBytes } from '../../src/share/jsonBytes.js';
import { openDb, TRICKY_STRINGS } from '../extracts/helpers.js';

// Text as DuckDB can hold it: any Unicode, no lone surrogates (they are not UTF-8).
const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '中'), fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 40 });

type Piece = { kind: 'ascii'; json: string } | { kind: 'text'; json: string } | { kind: 'raw'; json: string } | { kind: 'quoted'; value: string };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)).map((v) => ({ kind: 'ascii' as const, json: JSON.stringify(v) })),
  anyText.map((v) => ({ kind: 'text' as const, json: JSON.stringify(v) })),
  fc.dictionary(anyText, anyText, { maxKeys: 4 }).map((v) => ({ kind: 'raw' as const, json: JSON.stringify(v) })),
  anyText.map((value) => ({ kind: 'quoted' as const, value })),
);

/** The expected JSON text of a piece. */
const jsonOf = (p: Piece): string => (p.kind === 'quoted' ? JSON.stringify(p.value) : p.json);

t.test('any sequence of writes gives the bytes of the JSON text, through growth and reuse (property)', async (t) => {
  const out = new JsonBytes(8);
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
    out.reset();
    for (const p of pieces) {
      if (p.kind === 'ascii') out.ascii(p.json);
      else if (p.kind === 'text') out.text(p.json);
      else if (p.kind === 'raw') out.raw(Buffer.from(p.json, 'utf8'));
      else {
        const bytes = Buffer.from(`xx${p.value}yy`, 'utf8');
        if (!out.quoted(bytes, 2, bytes.length - 2)) out.text(JSON.stringify(p.value));
      }
    }
    return out.take().equals(Buffer.from(pieces.map(jsonOf).join(''), 'utf8'));
  }), { numRuns: 500 });
});

t.test('quoted() refuses exactly the text JSON must escape, and writes nothing then', async (t) => {
  const out = new JsonBytes();
  fc.assert(fc.property(anyText, (value) => {
    out.reset();
    out.ascii('[');
    const bytes = Buffer.from(value, 'utf8');
    const plain = out.quoted(bytes, 0, bytes.length);
    const needsEscape = JSON.stringify(value) !== `"${value}"`;
    out.ascii(']');
    return plain === !needsEscape && out.take().toString('utf8') === (plain ? `[${JSON.stringify(value)}]` : '[]');
  }), { numRuns: 1000 });
});

t.test('a served column writes each value as JSON.stringify of its value would', async (t) => {
  const { connection, close } = await openDb();
  t.teardown(close);
  const texts = [...TRICKY_STRINGS, 'back\\slash', 'tab\there', '\u0001', '中"文', ...fc.sample(anyText, 200)];
  await connection.run(
    `CREATE TABLE served AS
     SELECT i::VARCHAR AS key,
            CASE WHEN i % 7 <> 0 THEN x END AS text,
            CASE WHEN i % 5 <> 0 THEN i * 1.5 - 20 END AS amount,
            CASE WHEN i % 3 <> 0 THEN i % 2 = 0 END AS flag,
            CASE WHEN i % 4 <> 0 THEN DATE '2020-01-01' + i::INTEGER END AS since,
            CASE WHEN i % 6 <> 0 THEN [x, 'b'] END AS list,
            {'group': {'department': x, 'line': i}} AS provenance
     FROM (SELECT unnest(range(len(l))) AS i, unnest(l) AS x FROM (SELECT $1 AS l))`,
    [listValue(texts)], [LIST(VARCHAR)],
  );
  const view = await LoadedColumnView.load(connection, 'served', 'key');
  const out = new JsonBytes(16);
  let checked = 0;
  for (let i = 0; i < texts.length; i++) {
    const row = view.row(String(i))!;
    for (const name of ['text', 'amount', 'flag', 'since', 'list', 'provenance.group']) {
      const column = view.column(name)!;
      out.reset();
      column.writeJson(row, out);
      const written = out.take().toString('utf8');
      t.same(JSON.parse(written), column.value(row), `${name} of row ${i}`);
      if (name !== 'list' && name !== 'provenance.group') t.equal(written, JSON.stringify(column.value(row)), `${name} of row ${i}, byte for byte`);
      t.equal(column.isNull(row), column.value(row) === null);
      checked++;
    }
  }
  t.equal(checked, texts.length * 6);
});
