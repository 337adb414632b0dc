/** dx link end to end: outputs, a reused model, stable cluster ids, linking two files, and bad input refused clearly. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadLinkageConfig } from '../../src/link/linkageConfig.js';
import { runLinkage } from '../../src/link/runLinkage.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { runDx } from '../helpers/cli.js';
import { csvRows, linkageQuality } from '../helpers/linkOutputs.js';
import { tempDir } from '../helpers/warehouse.js';

const DATASET1 = join(PROJECT_ROOT, 'test', 'link', 'febrl', 'febrl_dataset1.csv');
const CONFIG = join(PROJECT_ROOT, 'examples', 'linkage', 'febrl.json');
const person = (recordId: string) => recordId.split('-')[1]!;
const febrlLines = () => readFileSync(DATASET1, 'utf8').trimEnd().split('\n');

t.test('dx link deduplicates a file, writes pairs, clusters and a model, and reuses the model', async (t) => {
  const dir = tempDir(t);
  const first = await runDx(['link', '--config', CONFIG, '--out', join(dir, 'trained'), DATASET1]);
  t.equal(first.code, 0, first.stderr);
  t.match(first.stdout, /Deduplicated 1000 records: \d+ candidate pairs, 500 links, 500 clusters/);
  const header = readFileSync(join(dir, 'trained', 'pairs.csv'), 'utf8').split('\n')[0];
  t.equal(header, 'left_id,right_id,match_probability,match_weight,gamma_given_name,gamma_surname,gamma_date_of_birth,gamma_street_number,gamma_address_1,gamma_address_2,gamma_suburb,gamma_postcode,gamma_state');
  t.equal(readFileSync(join(dir, 'trained', 'clusters.csv'), 'utf8').split('\n')[0], 'record_id,cluster_id');
  const model = JSON.parse(readFileSync(join(dir, 'trained', 'model.json'), 'utf8')) as { comparisons: { name: string; levels: { label: string; m: number; u: number }[] }[] };
  const dob = model.comparisons.find((c) => c.name === 'date_of_birth')!;
  t.ok(dob.levels[0]!.m > 0.5 && dob.levels[0]!.u < 0.01, 'an exact birth date is likely among matches and rare among random pairs');
  for (const level of model.comparisons.flatMap((c) => c.levels)) t.ok(level.m > 0 && level.u > 0, `${level.label}: m and u are probabilities`);

  const reused = await runDx(['link', '--config', CONFIG, '--out', join(dir, 'reused'), '--model', join(dir, 'trained', 'model.json'), DATASET1]);
  t.equal(reused.code, 0, reused.stderr);
  t.notMatch(reused.stderr, /EM on/, 'no training with --model');
  t.equal(readFileSync(join(dir, 'reused', 'pairs.csv'), 'utf8'), readFileSync(join(dir, 'trained', 'pairs.csv'), 'utf8'), 'the same model scores the same pairs');

  const otherConfig = join(dir, 'other.json');
  const json = JSON.parse(readFileSync(CONFIG, 'utf8')) as { comparisons: { column: string }[] };
  json.comparisons = json.comparisons.filter((c) => c.column !== 'state');
  writeFileSync(otherConfig, JSON.stringify(json));
  const mismatch = await runDx(['link', '--config', otherConfig, '--out', join(dir, 'x'), '--model', join(dir, 'trained', 'model.json'), DATASET1]);
  t.equal(mismatch.code, 0, 'a model with more comparisons than the config still holds every one the config needs');
  json.comparisons.push({ column: 'soc_sec_id', kind: 'exact' } as never);
  writeFileSync(otherConfig, JSON.stringify(json));
  const missing = await runDx(['link', '--config', otherConfig, '--out', join(dir, 'x'), '--model', join(dir, 'trained', 'model.json'), DATASET1]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /model\.json: has no comparison "soc_sec_id"/);
});

t.test('cluster ids are the smallest record id of the cluster, whatever the order of the rows', async (t) => {
  const dir = tempDir(t);
  const [header, ...rows] = febrlLines();
  const shuffled = join(dir, 'shuffled.csv');
  writeFileSync(shuffled, [header, ...rows.reverse()].join('\n'));
  const config = loadLinkageConfig(CONFIG);
  await runLinkage({ config, files: [DATASET1], outDir: join(dir, 'a') });
  await runLinkage({ config, files: [shuffled], outDir: join(dir, 'b') });
  const clusters = (d: string) => new Map(csvRows(join(dir, d, 'clusters.csv')).map((r) => [r.record_id!, r.cluster_id!]));
  const [a, b] = [clusters('a'), clusters('b')];
  t.same(new Map([...b].sort()), new Map([...a].sort()), 'every record keeps its cluster id');
  const members = new Map<string, string[]>();
  for (const [record, cluster] of a) members.set(cluster, [...(members.get(cluster) ?? []), record]);
  for (const [cluster, records] of members) if (cluster !== [...records].sort()[0]) t.fail(`cluster ${cluster} is not named after its smallest record id`);
});

t.test('two files are linked across, never within', async (t) => {
  const dir = tempDir(t);
  const [header, ...rows] = febrlLines();
  writeFileSync(join(dir, 'originals.csv'), [header, ...rows.filter((r) => r.includes('-org,'))].join('\n'));
  writeFileSync(join(dir, 'duplicates.csv'), [header, ...rows.filter((r) => r.includes('-dup-'))].join('\n'));
  const summary = await runLinkage({ config: loadLinkageConfig(CONFIG), files: [join(dir, 'originals.csv'), join(dir, 'duplicates.csv')], outDir: join(dir, 'out') });
  t.equal(summary.mode, 'link');
  const pairs = csvRows(join(dir, 'out', 'pairs.csv'));
  t.ok(pairs.every((p) => p.left_id!.endsWith('-org') && p.right_id!.includes('-dup-')), 'left ids from the first file, right from the second');
  const quality = linkageQuality(join(dir, 'out'), person).pairs;
  t.ok(quality.f1 >= 0.99, `F1 ${quality.f1.toFixed(4)}`);
  const clusters = csvRows(join(dir, 'out', 'clusters.csv'));
  t.same(Object.keys(clusters[0]!), ['record_id', 'cluster_id', 'source']);
  t.ok(clusters.every((c) => /^[12]:rec-/.test(c.cluster_id!)), 'cluster ids name the file of their smallest record');
});

t.test('bad input: one clear error naming the file and what is wrong', async (t) => {
  const dir = tempDir(t);
  const write = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };
  const config = write('config.json', JSON.stringify({
    id_column: 'id',
    comparisons: [{ column: 'name', kind: 'text' }, { column: 'birth', kind: 'date' }],
    blocking_rules: [['birth'], ['name']],
  }));
  const good = 'id,name,birth\n1,ann,19900101\n2,ann,19900101\n3,bob,19800101\n';
  const cases: [string, string, RegExp][] = [
    ['missing column', 'id,name\n1,ann\n2,bob\n', /missing-column\.csv: the config names column\(s\) "birth" that the file does not have \(its columns: id, name\)/],
    ['empty file', '', /empty-file\.csv: is empty/],
    ['header only', 'id,name,birth\n', /header-only\.csv: is empty: a header but no records/],
    ['no id column', 'key,name,birth\n1,ann,19900101\n', /no-id-column\.csv: has no id column "id" \(its columns: key, name, birth\)/],
    ['duplicate ids', 'id,name,birth\n1,ann,19900101\n2,bob,19800101\n1,cat,19700101\n', /duplicate-ids\.csv: duplicate record id "1" \(2 records\)/],
    ['missing id', 'id,name,birth\n1,ann,19900101\n,bob,19800101\n', /missing-id\.csv: record 2 has no id/],
  ];
  for (const [label, text, message] of cases) {
    const file = write(`${label.replace(/ /g, '-')}.csv`, text);
    const result = await runDx(['link', '--config', config, '--out', join(dir, 'out'), file]);
    t.equal(result.code, 1, `${label}: exit 1`);
    t.match(result.stderr, message, label);
  }
  const badConfig = write('bad.json', JSON.stringify({ id_column: 'id', comparisons: [{ column: 'name', kind: 'fuzzy' }], blocking_rules: [] }));
  const invalid = await runDx(['link', '--config', badConfig, '--out', join(dir, 'out'), write('good.csv', good)]);
  t.equal(invalid.code, 1);
  t.match(invalid.stderr, /bad\.json: .*\/comparisons\/0\/kind must be equal to one of the allowed values/);
  t.match(invalid.stderr, /\/blocking_rules must NOT have fewer than 1 items/);
  const emptyColumn = write('empty-column.csv', 'id,name,birth\n1,ann,\n2,ann,\n3,bob,\n4,cat,\n');
  const warned = await runDx(['link', '--config', config, '--out', join(dir, 'warned'), '--quiet', emptyColumn]);
  t.match(warned.stderr, /warning: .*empty-column\.csv: comparison column "birth" is empty in every record/);
});

t.test('nothing to train on: a clear error, not a model of NaNs', async (t) => {
  const dir = tempDir(t);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ id_column: 'id', comparisons: [{ column: 'name', kind: 'text' }, { column: 'birth', kind: 'date' }], blocking_rules: [['birth'], ['name']] }));
  const one = join(dir, 'one.csv');
  writeFileSync(one, 'id,name,birth\n1,ann,19900101\n');
  const single = await runDx(['link', '--config', config, '--out', join(dir, 'out'), one]);
  t.equal(single.code, 1);
  t.match(single.stderr, /no pair of records to compare/);
  const apart = join(dir, 'apart.csv');
  writeFileSync(apart, 'id,name,birth\n1,ann,19900101\n2,bob,19800101\n3,cat,19700101\n');
  const noPairs = await runDx(['link', '--config', config, '--out', join(dir, 'out'), apart]);
  t.equal(noPairs.code, 1);
  t.match(noPairs.stderr, /no training rule makes any pair of records/);
});

t.test('a Parquet file links as its CSV does', async (t) => {
  const dir = tempDir(t);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const parquet = join(dir, 'febrl1.parquet');
  await connection.run(`COPY (SELECT * FROM read_csv('${DATASET1}', delim=', ', header=true, all_varchar=true)) TO '${parquet}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  const config = loadLinkageConfig(CONFIG);
  await runLinkage({ config, files: [DATASET1], outDir: join(dir, 'csv') });
  await runLinkage({ config, files: [parquet], outDir: join(dir, 'parquet') });
  t.equal(readFileSync(join(dir, 'parquet', 'pairs.csv'), 'utf8'), readFileSync(join(dir, 'csv', 'pairs.csv'), 'utf8'));
});
