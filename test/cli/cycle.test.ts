import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { ChecksReport } from '../../src/report/checksReport.js';
import { runDx } from '../helpers/cli.js';
import { readTruth } from '../helpers/truth.js';
import { tempDir } from '../helpers/warehouse.js';

const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');

t.test('dx cycle collects and checks the committed sample; dx report checks tells it as JSON', async (t) => {
  const data = join(tempDir(t), 'data');
  for (const period of ['2026-10', '2026-11']) {
    const cycle = await runDx(['cycle', '--period', period, '--source', join(SAMPLE, period), '--data', data, '--until', 'check']);
    t.equal(cycle.code, 0, cycle.stderr);
    t.match(cycle.stdout, new RegExp(`Checks for ${period}: [0-9,]+ rows read`));
    t.match(cycle.stdout, /police\/household-register\s+loaded/);
  }
  const json = await runDx(['report', 'checks', '--period', '2026-11', '--format', 'json', '--data', data]);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as ChecksReport;
  const truth = readTruth(join(SAMPLE, '2026-11'));
  t.equal(report.batches.length, 14);
  for (const batch of report.batches) {
    t.equal(batch.status, 'loaded', batch.connector);
    t.equal(batch.rows_loaded + batch.rows_quarantined, batch.rows_read, `${batch.connector}: read = loaded + quarantined`);
    const written = truth.files.filter((f) => f.connector === batch.connector).reduce((s, f) => s + f.rowsWritten, 0);
    t.equal(batch.rows_read, written, `${batch.connector}: every written row was read`);
    t.ok(batch.rules.some((r) => r.rule_id === 'readable'));
  }
  t.equal(report.totals.rows_quarantined, truth.brokenRows.length, 'the planted broken rows, and only they, are quarantined');
  const drift = report.batches.find((b) => b.connector === 'police/household-register')!.rules.find((r) => r.rule_id === 'row_count_drift')!;
  t.match(drift.message, /rows for 2026-10/, 'drift is measured against the previous period');
  const quarantine = await runDx(['report', 'quarantine', '--period', '2026-11', '--format', 'json', '--data', data, '--limit', '1000']);
  t.equal((JSON.parse(quarantine.stdout) as unknown[]).length, truth.brokenRows.length);
  for (const [name, header] of [['checks', 'connector,status,rows_read,rows_loaded,rows_quarantined,error_rules,warn_rules,error'], ['quarantine', 'connector,file,line,reason,raw_line'], ['failures', 'connector,rule_id,file,line,value,detail']]) {
    const csv = await runDx(['report', name!, '--period', '2026-11', '--format', 'csv', '--data', data]);
    t.equal(csv.code, 0, csv.stderr);
    t.equal(csv.stdout.split('\n')[0], header, `report ${name} --format csv`);
  }
});

t.test('a drop folder without the period\'s files is an error naming the periods it holds; --quiet still says a failed batch', async (t) => {
  const data = join(tempDir(t), 'data');
  const wrong = await runDx(['cycle', '--period', '2026-12', '--source', join(SAMPLE, '2026-11'), '--data', data]);
  t.equal(wrong.code, 66);
  t.match(wrong.stderr, /no department file in .* is for 2026-12; the folder holds files for 2026-11/);
  t.equal(wrong.stdout, '');
  const drop = join(tempDir(t), '2026-11');
  cpSync(join(SAMPLE, '2026-11'), drop, { recursive: true });
  for (const f of readdirSync(join(drop, 'police'))) writeFileSync(join(drop, 'police', f), 'nothing,that,maps\n1,2,3\n');
  const quiet = await runDx(['cycle', '--period', '2026-11', '--source', drop, '--data', data, '--until', 'collect', '--quiet']);
  t.equal(quiet.code, 1, 'a batch failed');
  t.equal(quiet.stdout, '');
  t.match(quiet.stderr, /police\/household-register: batch failed: /);
});

t.test('dx says what is wrong and exits non-zero', async (t) => {
  const data = join(tempDir(t), 'data');
  const missing = await runDx(['cycle', '--period', '2026-11', '--source', join(tempDir(t), 'nowhere'), '--data', data]);
  t.equal(missing.code, 66, 'no input');
  t.match(missing.stderr, /source folder .*nowhere does not exist/);
  const badPeriod = await runDx(['cycle', '--period', '202611', '--source', SAMPLE, '--data', data]);
  t.equal(badPeriod.code, 64, 'bad usage');
  t.match(badPeriod.stderr, /period "202611" is not YYYY-MM/);
  const badOption = await runDx(['cycle', '--period', '2026-11', '--source', SAMPLE, '--until', 'lunch']);
  t.equal(badOption.code, 64, 'bad usage');
  t.match(badOption.stderr, /--until <step>' argument 'lunch' is invalid/);
});
