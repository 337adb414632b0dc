/**
 * The govern SQL is a graph: the order comes from each model's declared inputs, a cycle or an
 * undeclared read is refused, a mart that reads a raw table (or any model that reads a layer
 * above it) fails, and the tests beside each model count the rows that break them.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { governGraph } from '../../src/govern/governGraph.js';
import { modelFromFile, runOrder, type Layer, type Model } from '../../src/govern/modelGraph.js';
import { parseTest, testSql } from '../../src/govern/modelTests.js';
import { rolePlayers } from '../../src/govern/roles.js';
import { PIPELINES_DIR } from '../../src/paths.js';
import { loadCanonicalSchemas } from '../../src/schemas/canonicalSchemas.js';
import { tempDir, tempWarehouse } from '../helpers/warehouse.js';

const schemas = [...loadCanonicalSchemas().values()];
const players = rolePlayers(loadConnectorSet().connectors);

t.test('the run order puts every model after its inputs, staging first and marts last', async (t) => {
  const order = governGraph(schemas, players);
  const position = new Map(order.map((m, i) => [m.name, i]));
  const late = order.flatMap((m) => m.inputs.filter((i) => position.has(i) && position.get(i)! > position.get(m.name)!).map((i) => `${m.name} before ${i}`));
  t.same(late, [], 'no model before one of its inputs');
  t.ok(order.findIndex((m) => m.layer !== 'staging') > order.filter((m) => m.layer === 'staging').length - 1, 'staging first');
  t.same(order.slice(-2).map((m) => m.layer), ['mart', 'mart'], 'marts last');
  t.ok(order.some((m) => m.name === 'int_id_repairs'), 'identity resolution is a model');
  const files = order.filter((m) => m.origin.startsWith('pipelines/'));
  t.ok(files.length >= 18 && files.every((m) => m.tests.length > 0), 'every model file carries tests');
  t.ok(order.filter((m) => m.layer !== 'staging').every((m) => m.inputs.every((i) => !schemas.some((s) => s.table === i))), 'only staging reads the raw tables');
});

/** A copy of pipelines/ with one file written, for a graph that must be refused. */
function pipelinesWith(t: Test, file: string, sql: string): string {
  const dir = tempDir(t);
  cpSync(PIPELINES_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), sql);
  return dir;
}

t.test('a mart that reads a raw table is refused', async (t) => {
  const dir = pipelinesWith(t, 'marts/penalty_totals.sql',
    `-- Penalties per company, straight from the raw table.\n-- @inputs administrative_penalty\n-- @test unique: party_uscc\nSELECT party_uscc, count(*) AS n FROM administrative_penalty GROUP BY 1\n`);
  t.throws(() => governGraph(schemas, players, dir), { name: 'ModelGraphError', message: /pipelines\/marts\/penalty_totals\.sql: mart model mart_penalty_totals reads the raw table administrative_penalty/ });
  const hidden = pipelinesWith(t, 'marts/penalty_totals.sql',
    `-- @inputs int_penalties\nSELECT p.party_uscc, count(*) AS n FROM int_penalties AS p JOIN administrative_penalty AS r USING (decision_number) GROUP BY 1\n`);
  t.throws(() => governGraph(schemas, players, hidden), { message: /reads administrative_penalty without declaring it/ }, 'an undeclared read of a raw table is found in the SQL');
});

t.test('a model that reads a layer above it is refused', async (t) => {
  const dir = pipelinesWith(t, 'intermediate/int_sizes.sql', `-- @inputs mart_population_view\nSELECT count(*) AS n FROM mart_population_view\n`);
  t.throws(() => governGraph(schemas, players, dir), { message: /intermediate model int_sizes reads mart_population_view, a layer above it \(mart\)/ });
});

t.test('declared inputs must be read, and a header is required', async (t) => {
  const unread = pipelinesWith(t, 'intermediate/int_x.sql', `-- @inputs int_known_persons, int_deaths\nSELECT id FROM int_known_persons\n`);
  t.throws(() => governGraph(schemas, players, unread), { message: /int_x\.sql: declares int_deaths in "-- @inputs" but does not read it/ });
  const headless = pipelinesWith(t, 'intermediate/int_y.sql', `SELECT id FROM int_known_persons\n`);
  t.throws(() => governGraph(schemas, players, headless), { message: /int_y\.sql: no "-- @inputs" line/ });
});

t.test('a cycle is an error naming it', async (t) => {
  const model = (name: string, inputs: string[]): Model => ({ ...modelFromFile(name, 'intermediate', `${name}.sql`, `-- @inputs ${inputs.join(', ')}\nSELECT * FROM ${inputs.join(', ')}`) });
  const external = new Map<string, Layer>([['raw_t', 'raw']]);
  t.throws(() => runOrder([model('int_a', ['int_b']), model('int_b', ['int_c']), model('int_c', ['int_a'])], external),
    { name: 'ModelGraphError', message: /cycle: int_a \(int_a\.sql\) -> int_b \(int_b\.sql\) -> int_c \(int_c\.sql\) -> int_a/ });
  t.same(runOrder([model('int_b', ['int_a']), model('int_a', ['stg_t']), { ...model('stg_t', ['raw_t']), layer: 'staging' }], external).map((m) => m.name), ['stg_t', 'int_a', 'int_b']);
});

t.test('each kind of model test counts the rows that fail it', async (t) => {
  const warehouse = await tempWarehouse(t);
  await warehouse.run(`CREATE TEMP TABLE int_parent AS SELECT * FROM (VALUES ('a'), ('b')) AS t(id)`);
  await warehouse.run(`CREATE TEMP TABLE int_child AS SELECT * FROM (VALUES ('1', 'a', 'living', 3), ('2', 'z', 'living', 1), ('2', NULL, 'other', -1), (NULL, 'b', NULL, 2)) AS t(id, parent, kind, n)`);
  const failing = async (text: string) => Number((await warehouse.one<{ failing: number }>(testSql('int_child', parseTest('int_child.sql', text))))!.failing);
  t.equal(await failing('not_null: id'), 1);
  t.equal(await failing('not_null: id, parent'), 2);
  t.equal(await failing('unique: id'), 2, 'both rows of the duplicated key');
  t.equal(await failing('unique: id, kind'), 0);
  t.equal(await failing('accepted_values: kind in living, nursing'), 1);
  t.equal(await failing('relationships: parent -> int_parent.id'), 1);
  t.equal(await failing('expression: n > 0'), 1);
  t.equal(parseTest('m', 'warn unique: id').severity, 'warn');
  t.throws(() => parseTest('pipelines/intermediate/int_child.sql', 'unique: id; DROP TABLE x'), { message: /int_child\.sql: @test unique: id; DROP TABLE x: "id; DROP TABLE x" is not a column name/ });
  t.throws(() => parseTest('m.sql', 'no_such: id'), { message: /unknown test "no_such"/ });
});
