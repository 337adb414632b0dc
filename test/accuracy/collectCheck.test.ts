/**
 * Collect and check a generated city against the generator's ground truth (truth.json):
 * every planted fault accounted for, row accounting exact. DX_ACCURACY_PERSONS sets the size
 * (default 100,000 persons).
 */
import { join } from 'node:path';
import t from 'tap';
import { generateCity } from '../../src/fixtures/city.js';
import { collectPeriod } from '../../src/collect/collectPeriod.js';
import { checkPeriod } from '../../src/check/runChecks.js';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';
import { readTruth, type Truth } from '../helpers/truth.js';

const PERSONS = Number(process.env.DX_ACCURACY_PERSONS ?? 100_000);
const PERIOD = '2026-11';

t.test(`collect and check a city of ${PERSONS.toLocaleString('en-US')} persons against its truth`, async (t) => {
  const drop = join(tempDir(t, 'dx-city-'), PERIOD);
  await generateCity({ persons: PERSONS, seed: 11, period: PERIOD, out: drop });
  const truth: Truth = readTruth(drop);
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet();
  const outcome = await collectPeriod(warehouse, set, PERIOD, drop);
  await checkPeriod(warehouse, set.connectors, PERIOD);

  t.test('all 14 connectors (13 datasets) are collected', async (t) => {
    t.same(outcome.attempts.filter((a) => a.status !== 'loaded').map((a) => `${a.connector}: ${a.error}`), []);
    t.equal(outcome.attempts.length, 14);
    const schemas = await warehouse.all<{ n: number }>(`SELECT count(DISTINCT schema_name) AS n FROM batches WHERE period = ?`, [PERIOD]);
    t.equal(schemas[0]!.n, 13);
  });

  t.test('row accounting is exact for every batch and file', async (t) => {
    const files = await warehouse.all<{ file: string; rows_read: number; rows_loaded: number; rows_quarantined: number }>(`SELECT file, rows_read, rows_loaded, rows_quarantined FROM batch_files WHERE period = ?`, [PERIOD]);
    t.equal(files.length, truth.files.length);
    for (const expected of truth.files) {
      const file = files.find((f) => f.file === expected.file);
      t.ok(file, `${expected.file} was read`);
      t.equal(file?.rows_read, expected.rowsWritten, `${expected.file}: rows read = rows written`);
      t.equal(file!.rows_loaded + file!.rows_quarantined, file!.rows_read, `${expected.file}: read = loaded + quarantined`);
    }
    const batches = await warehouse.all<{ rows_read: number; rows_loaded: number; rows_quarantined: number }>(`SELECT rows_read, rows_loaded, rows_quarantined FROM batches WHERE period = ?`, [PERIOD]);
    for (const b of batches) t.equal(b.rows_loaded + b.rows_quarantined, b.rows_read);
    const loaded = await warehouse.one<{ n: number }>(
      `SELECT sum(n) AS n FROM (${set.connectors.map((c) => c.schema.table).filter((v, i, a) => a.indexOf(v) === i).map((table) => `SELECT count(*) AS n FROM "${table}" WHERE _period = '${PERIOD}'`).join(' UNION ALL ')})`);
    t.equal(loaded!.n, batches.reduce((s, b) => s + b.rows_loaded, 0), 'the canonical tables hold exactly the loaded rows');
  });

  t.test('every broken row, and nothing else, is quarantined with its line', async (t) => {
    const quarantined = await warehouse.all<{ file: string; line: number; reason: string }>(`SELECT file, line, reason FROM quarantine WHERE period = ?`, [PERIOD]);
    const key = (file: string, line: number) => `${file}:${line}`;
    const planted = new Set(truth.brokenRows.map((b) => key(b.file, b.line)));
    const found = new Set(quarantined.map((q) => key(q.file, q.line)));
    t.ok(truth.brokenRows.length >= 2 * 13, `at least two broken rows per file were planted (${truth.brokenRows.length})`);
    t.same(truth.brokenRows.filter((b) => !found.has(key(b.file, b.line))), [], 'every planted broken row is quarantined');
    t.same(quarantined.filter((q) => !planted.has(key(q.file, q.line))), [], 'no other row is quarantined');
  });

  t.test('every mistyped ID is flagged at its line; every formatting variant is normalised', async (t) => {
    const failures = await warehouse.all<{ rule_id: string; file: string; line: number; value: string; detail: string }>(`SELECT rule_id, file, line, value, detail FROM check_failures WHERE period = ? AND rule_id LIKE 'format:%'`, [PERIOD]);
    const flagged = new Set(failures.map((f) => `${f.rule_id}|${f.file}|${f.line}`));
    t.ok(truth.mistypedIds.length > 0);
    t.same(truth.mistypedIds.filter((m) => !flagged.has(`format:${m.field}|${m.file}|${m.line}`)), [], 'every mistyped ID is flagged');
    const variantsFlagged = truth.idVariants.filter((v) => flagged.has(`format:${v.field}|${v.file}|${v.line}`));
    t.same(variantsFlagged, [], 'no formatting variant is flagged');
    for (const kind of ['fifteen_digit', 'full_width', 'lowercase_x', 'spaces']) t.ok(truth.idVariants.some((v) => v.kind === kind), `variants of kind ${kind} were planted`);
    const byConnector = new Map(set.connectors.map((c) => [c.id, c]));
    let checked = 0;
    for (const variant of truth.idVariants) {
      const table = byConnector.get(variant.connector)!.schema.table;
      const row = await warehouse.one<{ value: string; original: string }>(
        `SELECT "${variant.field}" AS value, "${variant.field}_original" AS original FROM "${table}" WHERE _period = ? AND _file = ? AND _line = ?`, [PERIOD, variant.file, variant.line]);
      if (!row) continue; // the variant sat on a row that was also broken on purpose
      checked++;
      t.equal(row.value, variant.trueId, `${variant.file}:${variant.line} ${variant.kind}`);
      t.equal(row.original, variant.written.trim());
    }
    t.ok(checked > truth.idVariants.length * 0.9, `${checked} variants checked`);
  });

  t.test('duplicates and invalid USCCs are flagged at their lines', async (t) => {
    const failures = await warehouse.all<{ rule_id: string; file: string; line: number }>(`SELECT rule_id, file, line FROM check_failures WHERE period = ?`, [PERIOD]);
    const flagged = (prefix: string, file: string, line: number) => failures.some((f) => f.rule_id.startsWith(prefix) && f.file === file && f.line === line);
    t.ok(truth.duplicateRows.length > 0);
    t.same(truth.duplicateRows.filter((d) => !flagged('unique:', d.file, d.line)), [], 'every duplicate row is flagged');
    t.ok(truth.invalidUscc.length > 0);
    t.same(truth.invalidUscc.filter((u) => !flagged('format:', u.file, u.line)), [], 'every invalid USCC is flagged');
  });
});
