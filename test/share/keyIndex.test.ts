import fc from 'fast-check';
import t from 'tap';
import { KeyIndex, type KeyColumn } from '../../src/share/keyIndex.js';

/** A key column as the serving structure holds it: UTF-8 bytes, offsets, validity. */
function keyColumn(keys: Array<string | null>): KeyColumn {
  const parts = keys.map((k) => Buffer.from(k ?? '', 'utf8'));
  const offsets = new Uint32Array(keys.length + 1);
  parts.forEach((p, i) => { offsets[i + 1] = offsets[i]! + p.length; });
  return { bytes: Buffer.concat(parts), offsets, valid: Uint8Array.from(keys, (k) => (k === null ? 0 : 1)), rows: keys.length };
}

// ID-number-like keys, near misses, non-ASCII text, empty strings and nulls, with repeats.
const keyArb = fc.oneof(
  fc.stringMatching(/^[0-9]{17}[0-9X]$/),
  fc.constantFrom('11010519491231002X', '11010519491231002x', '110105194912310021', ''),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

t.test('the index finds exactly what a Map of the same keys finds', async (t) => {
  fc.assert(fc.property(fc.array(fc.option(keyArb, { nil: null }), { maxLength: 300 }), fc.array(keyArb, { maxLength: 30 }), (keys, probes) => {
    const expected = new Map<string, number>();
    keys.forEach((k, row) => { if (k !== null) expected.set(k, row); });
    const index = new KeyIndex(keyColumn(keys));
    if (index.size !== expected.size) return false;
    for (const key of [...expected.keys(), ...probes]) if (index.row(key) !== expected.get(key)) return false;
    return JSON.stringify([...index.keys()].sort()) === JSON.stringify([...expected.keys()].sort());
  }), { numRuns: 300 });
  t.pass('300 generated key columns agree with a Map');
});

t.test('a million ID numbers: every one found, absent ones not, and no heap objects per key', async (t) => {
  const n = 1_000_000;
  const keys = Array.from({ length: n }, (_, i) => `1101051949${String(i).padStart(8, '0')}`);
  const index = new KeyIndex(keyColumn(keys));
  t.equal(index.size, n);
  let misses = 0;
  for (let i = 0; i < n; i += 997) if (index.row(keys[i]!) !== i) misses++;
  t.equal(misses, 0, 'each sampled key gives its row');
  t.equal(index.row('110105194999999999'), undefined);
  t.equal(index.row(keys[5]!.slice(0, 17)), undefined, 'a prefix is not the key');
  t.ok(index.memoryBytes <= 4 * 4 * n, `one typed array of ${index.memoryBytes} bytes`);
});
