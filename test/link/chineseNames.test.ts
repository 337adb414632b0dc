/**
 * Chinese person records without a usable ID number, generated with a seed
 * (test/helpers/linkRecords.ts): traditional characters, stray spaces, homophones, ethnic-name
 * separators, missing and mistyped ID numbers, birth dates in other layouts, and households
 * whose members share surname, address and often a generation character. The file is written
 * in GB18030, as older department systems export. Done means: at least 95% of the records
 * that have a counterpart are linked to it, and pair precision is at least 0.995.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import t from 'tap';
import { chineseNameForms } from '../../src/link/chineseName.js';
import { parseLinkageConfig } from '../../src/link/linkageConfig.js';
import { runLinkage } from '../../src/link/runLinkage.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { csvRows, describeQuality, linkageQuality } from '../helpers/linkOutputs.js';
import { linkTestCsv, linkTestRecords } from '../helpers/linkRecords.js';
import { tempDir } from '../helpers/warehouse.js';

t.test('a Chinese name in the forms that make spellings of one person agree', async (t) => {
  const forms = (name: string) => chineseNameForms(name)!;
  t.equal(forms('張偉').normalised, '张伟', 'traditional to simplified');
  t.equal(forms('张 伟').normalised, '张伟', 'a stray space inside a Han name goes');
  t.same([forms('欧阳锋').surname, forms('欧阳锋').given], ['欧阳', '锋'], 'compound surname');
  t.equal(forms('单田芳').surnamePinyin, 'shan', 'a surname read as a surname');
  for (const spelling of ['巴特尔·那顺', '巴特尔.那顺', '巴特尔•那顺', '巴特尔・那顺', '巴特尔 那顺']) {
    t.equal(forms(spelling).normalised, '巴特尔·那顺', `${spelling}: one separator`);
    t.equal(forms(spelling).surname, null, `${spelling}: an ethnic name has no Han surname`);
  }
  t.equal(forms('巴特尔那顺').joined, forms('巴特尔·那顺').joined, 'without its dot, the same joined name');
  t.equal(forms('王秀英').pinyin, forms('王秀瑛').pinyin, 'homophones share their pinyin');
  t.equal(forms('张伟').givenNearPinyin, forms('张维').givenNearPinyin);
  t.equal(forms('刘星').givenNearPinyin, forms('刘欣').givenNearPinyin, '-ng and -n merge');
  t.not(forms('王建国').given, forms('王建军').given, 'siblings differ by one character');
  t.equal(chineseNameForms(' · '), null, 'separators alone are no name');
});

t.test('synthetic city records: ≥ 95% of linkable records linked, precision ≥ 0.995', async (t) => {
  const dir = tempDir(t);
  const records = linkTestRecords(20261204, 1200);
  const file = join(dir, 'persons.csv');
  writeFileSync(file, iconv.encode(linkTestCsv(records), 'gb18030'));
  const config = JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'linkage', 'persons-zh.json'), 'utf8')) as Record<string, unknown>;
  const summary = await runLinkage({ config: parseLinkageConfig({ ...config, input: { encoding: 'gb18030' } }), files: [file], outDir: join(dir, 'out') });
  t.equal(summary.records[0], records.length, 'every record read');

  const personOf = new Map(records.map((r) => [r.record_id, String(r.person)]));
  const quality = linkageQuality(join(dir, 'out'), (id) => personOf.get(id)!);
  t.comment(`pairs: ${describeQuality(quality.pairs)}`);
  t.comment(`clusters: ${describeQuality(quality.clusters)}`);
  t.ok(quality.pairs.precision >= 0.995, `pair precision ${quality.pairs.precision.toFixed(4)} >= 0.995`);
  t.ok(quality.clusters.precision >= 0.995, `cluster precision ${quality.clusters.precision.toFixed(4)} >= 0.995`);

  const clusterOf = new Map(csvRows(join(dir, 'out', 'clusters.csv')).map((r) => [r.record_id!, r.cluster_id!]));
  const recordsOf = new Map<string, string[]>();
  for (const r of records) recordsOf.set(String(r.person), [...(recordsOf.get(String(r.person)) ?? []), r.record_id]);
  let linkable = 0;
  let linked = 0;
  for (const ids of recordsOf.values()) {
    if (ids.length < 2) continue;
    for (const id of ids) {
      linkable++;
      if (ids.some((other) => other !== id && clusterOf.get(other) === clusterOf.get(id))) linked++;
    }
  }
  const noId = records.filter((r) => r.身份证号 === '' && (recordsOf.get(String(r.person))?.length ?? 0) > 1).length;
  t.comment(`${linked} of ${linkable} linkable records linked (${noId} of them without an ID number)`);
  t.ok(noId > linkable * 0.2, 'many linkable records carry no ID number');
  t.ok(linked / linkable >= 0.95, `linked ${(linked / linkable).toFixed(4)} >= 0.95`);

  const model = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8')) as { comparisons: { name: string; levels: { label: string; match_weight: number }[] }[] };
  const given = model.comparisons.find((c) => c.name === 'name_given')!;
  const weight = (label: RegExp) => given.levels.find((l) => label.test(l.label))!.match_weight;
  t.ok(weight(/^same given name/) > weight(/one character apart/), 'siblings one character apart are weaker evidence than the same given name');
  t.ok(weight(/sound the same/) > 0, 'a homophone given name is evidence for a match');
});
