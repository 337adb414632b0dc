import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { ReconciliationReport } from '../../src/report/reconciliationReport.js';
import { runDx } from '../helpers/cli.js';
import { tempDir } from '../helpers/warehouse.js';

const SAMPLE = join(PROJECT_ROOT, 'fixtures', 'sample-city');

t.test('the full cycle governs; publishing needs a clean period or a steward\'s reason', async (t) => {
  const data = join(tempDir(t), 'data');
  for (const period of ['2026-10', '2026-11']) {
    const cycle = await runDx(['cycle', '--period', period, '--source', join(SAMPLE, period), '--data', data]);
    t.equal(cycle.code, 2, 'ran, but not publishable: the sample has error-level failures');
    t.match(cycle.stderr, /govern done: \d+ persons, \d+ entities/, 'progress is a diagnostic, on stderr');
    t.match(cycle.stderr, /publish done: not published: \d+ blocking finding\(s\)/);
    t.match(cycle.stdout, new RegExp(`^Checks for ${period}`), 'the result, on stdout');
  }
  const json = await runDx(['report', 'reconciliation', '--period', '2026-11', '--format', 'json', '--data', data]);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as ReconciliationReport;
  t.match(report.views.population_view, { rows: Number, sha256: /^[0-9a-f]{64}$/ });
  t.equal(report.published, null);
  t.equal(report.departments.length, 14);
  t.ok(report.conflicts.items.length > 0 && report.conflicts.items.every((c) => c.sources.length >= 2));
  t.equal(report.month_over_month?.previous_period, '2026-10');
  const csv = await runDx(['report', 'reconciliation', '--period', '2026-11', '--format', 'csv', '--data', data]);
  const lines = csv.stdout.trim().split('\r\n');
  t.equal(lines[0], 'section,kind,subject_type,subject_id,department,value,other_department,other_value,file,line,detail');
  t.ok(lines.some((l) => l.startsWith('conflict,alive_in_police_dead_elsewhere,person,')));
  t.ok(lines.some((l) => l.startsWith('id_resolution,repaired,person,')));

  const refused = await runDx(['publish', '--period', '2026-11', '--data', data]);
  t.equal(refused.code, 2, 'not publishable');
  t.match(refused.stderr, /period 2026-11 cannot be published: \d+ blocking finding\(s\)/);
  t.match(refused.stderr, /--override-reason/);
  const published = await runDx(['publish', '--period', '2026-11', '--data', data, '--override-reason', 'sample data: faults planted on purpose', '--steward', 'li.steward']);
  t.equal(published.code, 0, published.stderr);
  t.match(published.stdout, /Published 2026-11 over \d+ blocking finding\(s\), reason recorded/);
  const after = JSON.parse((await runDx(['report', 'reconciliation', '--period', '2026-11', '--format', 'json', '--data', data])).stdout) as ReconciliationReport;
  t.match(after.published, { published_by: 'li.steward', override_reason: 'sample data: faults planted on purpose' });
  const table = await runDx(['report', 'reconciliation', '--period', '2026-11', '--data', data]);
  t.match(table.stdout, /population view: [0-9,]+ persons, sha256 [0-9a-f]{64}/);
  t.match(table.stdout, /override: sample data/);
  const notGoverned = await runDx(['report', 'reconciliation', '--period', '2026-09', '--data', data]);
  t.equal(notGoverned.code, 1);
  t.match(notGoverned.stderr, /period 2026-09 has not been governed/);
});
