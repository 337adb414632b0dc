// A view answered from its served file answers every lookup exactly as the loaded view does:
// the same rows found and not found, the same values, the same bytes written into answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import fc from 'fast-check';
import { BOOLEAN, DATE, DOUBLE, LIST, VARCHAR, dateValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Grant } from '../../src/share/accessStore.js';
import { catalogResource } from '../../src/share/catalog.js';
import { LoadedColumnView, type ColumnView } from '../../src/share/columnView.js';
import { disclosurePlan, discloseInto } from '../../src/share/disclose.js';
import { JsonBytes } from '../../src/share/jsonBytes.js';
import { MappedView } from '../../src/share/mappedView.js';
import { writeServedView } from '../../src/share/servedFile.js';
import { openDb, TRICKY_STRINGS } from '../extracts/helpers.js';

const text = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS, '张伟', '内蒙古自治区包头市昆都仑区', '"引号"', 'back\\slash', '\u0000', '\u2028', ''),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
/** Keys as clients send them: ID-number-like, with duplicates, Chinese and empty ones now and then. */
const key = fc.oneof(fc.stringMatching(/^[0-9]{17}[0-9X]$/), fc.constantFrom('11010519491231002X', '身份证', '', 'k'), fc.string({ maxLength: 6 }));
const row = fc.record({
  key: fc.option(key, { nil: null, freq: 12 }),
  name: fc.option(text, { nil: null }),
  amount: fc.option(fc.oneof(fc.double({ noNaN: true }), fc.integer()), { nil: null }),
  deceased: fc.option(fc.boolean(), { nil: null }),
  born: fc.option(fc.integer({ min: -20_000, max: 40_000 }), { nil: null }),
  certificates: fc.option(fc.array(fc.option(text, { nil: null }), { maxLength: 4 }), { nil: null }),
  department: fc.option(text, { nil: null }),
  line: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: null }),
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

const COLUMNS = ['id_number', 'name', 'amount', 'deceased', 'date_of_birth', 'certificates', 'provenance.identity'];

async function bothViews(rows: Row[], dir: string, run: number): Promise<{ loaded: ColumnView; mapped: MappedView; close(): void }> {
  const { connection, close } = await openDb();
  await connection.run(`CREATE TABLE raw (id_number VARCHAR, name VARCHAR, amount DOUBLE, deceased BOOLEAN, date_of_birth DATE, certificates VARCHAR[], department VARCHAR, line DOUBLE)`);
  const types: DuckDBType[] = [VARCHAR, VARCHAR, DOUBLE, BOOLEAN, DATE, LIST(VARCHAR), VARCHAR, DOUBLE];
  for (const r of rows) {
    const values: DuckDBValue[] = [r.key, r.name, r.amount, r.deceased, r.born === null ? null : dateValue(r.born),
      r.certificates === null ? null : listValue(r.certificates), r.department, r.line];
    await connection.run(`INSERT INTO raw VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, values, types);
  }
  await connection.run(`CREATE TABLE served AS SELECT * EXCLUDE (department, line),
    CASE WHEN department IS NOT NULL OR line IS NOT NULL THEN {'department': department, 'line': line} END AS provenance_identity FROM raw`);
  await connection.run(`CREATE TABLE view AS SELECT * EXCLUDE (provenance_identity), {'identity': provenance_identity} AS provenance FROM served`);
  const loaded = await LoadedColumnView.load(connection, 'view', 'id_number');
  const path = join(dir, `view-${run}.served`);
  await writeServedView(connection, 'view', 'id_number', path);
  close();
  const mapped = MappedView.open(path);
  return { loaded, mapped, close: () => mapped.close() };
}

function written(view: ColumnView, name: string, at: number): string {
  const out = new JsonBytes(8);
  view.column(name)!.writeJson(at, out);
  return out.take().toString('utf8');
}

t.test('lookups answer identically from the served file and from loaded columns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-served-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const population = catalogResource('population')!;
  const grant = { id: 'g', fields: { id_number: 'masked', name: 'masked', date_of_birth: 'full', deceased: 'full' } } as unknown as Grant;
  let run = 0;
  let lookups = 0;
  await fc.assert(fc.asyncProperty(fc.array(row, { maxLength: 60 }), fc.array(key, { maxLength: 10 }), async (rows, asked) => {
    const { loaded, mapped, close } = await bothViews(rows, dir, run++);
    try {
      t.equal(mapped.size, loaded.size, 'distinct keys');
      t.same([...mapped.keys()], [...loaded.keys()], 'keys in row order');
      const loadedPlan = disclosurePlan(grant, population, loaded);
      const mappedPlan = disclosurePlan(grant, population, mapped);
      for (const k of [...rows.map((r) => r.key ?? 'null'), ...asked]) {
        const at = loaded.row(k);
        t.equal(mapped.row(k), at, `row of ${JSON.stringify(k)}`);
        t.same(mapped.get(k), loaded.get(k), `record of ${JSON.stringify(k)}`);
        lookups++;
        if (at === undefined) continue;
        for (const name of COLUMNS) {
          t.equal(written(mapped, name, at), written(loaded, name, at), `${name} written for ${JSON.stringify(k)}`);
          t.equal(mapped.column(name)!.isNull(at), loaded.column(name)!.isNull(at));
          t.same(mapped.value(at, name), loaded.value(at, name));
        }
        const a = new JsonBytes(8);
        const b = new JsonBytes(8);
        discloseInto(a, at, loadedPlan);
        discloseInto(b, at, mappedPlan);
        t.equal(b.take().toString('utf8'), a.take().toString('utf8'), `disclosure of ${JSON.stringify(k)}`);
      }
    } finally {
      close();
    }
  }), { numRuns: 40 });
  t.ok(lookups > 200, `${lookups} lookups compared`);
});

t.test('a row read long after it was found is read again, not mixed up with another', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dx-served-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Row 7's record is far longer than a first read, and read in two.
  const rows = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, name: i === 7 ? '长'.repeat(5000) : `名字${i}`, amount: i, deceased: i % 2 === 0, born: i, certificates: [`c${i}`], department: `d${i}`, line: i }));
  const { loaded, mapped, close } = await bothViews(rows, dir, 0);
  t.teardown(close);
  const found = rows.map((r) => mapped.row(r.key)!);
  t.same(found.map((at) => mapped.value(at, 'name')), rows.map((r) => r.name), 'the first rows found are read again after many others');
  t.same(found.map((at) => loaded.value(at, 'name')), rows.map((r) => r.name));
  t.throws(() => mapped.record(rows.length), RangeError, 'a row past the end is refused');
});
