import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { connectorIdsOf, runCycle } from '../../src/cycle/runCycle.js';
import { exportStewardReport, reportFile, reportsDir } from '../../src/report/stewardReport.js';
import { StewardReportFiles } from '../../src/report/stewardReportFiles.js';
import { SAMPLE } from '../helpers/exchange.js';
import { tempWarehouse } from '../helpers/warehouse.js';

t.test('a period checked but not governed: quality without reconciliation; re-export replaces the file whole', async (t) => {
  const warehouse = await tempWarehouse(t);
  const set = loadConnectorSet();
  await runCycle(warehouse, set, { period: '2026-10', source: join(SAMPLE, '2026-10'), until: 'check' });
  const file = await exportStewardReport(warehouse, '2026-10', warehouse.dataDir, connectorIdsOf(set));
  t.equal(file, reportFile(warehouse.dataDir, '2026-10'));
  const files = new StewardReportFiles(warehouse.dataDir);
  t.teardown(() => files.close());
  const summary = await files.summary('2026-10');
  t.equal(summary.reconciliation, null, 'nothing governed yet');
  t.equal(summary.publication, null);
  t.ok(summary.departments.length >= 13);
  t.ok((await files.page('2026-10', 'quarantine', {}, 0, 10)).total > 0);
  t.equal((await files.page('2026-10', 'conflicts', {}, 0, 10)).total, 0, 'an empty table of the same shape');

  await runCycle(warehouse, set, { period: '2026-10', source: join(SAMPLE, '2026-10'), until: 'govern' });
  await exportStewardReport(warehouse, '2026-10', warehouse.dataDir, connectorIdsOf(set));
  t.ok((await files.summary('2026-10')).reconciliation, 'the reader sees the new file');
  t.ok((await files.page('2026-10', 'conflicts', {}, 0, 10)).total > 0);
  t.same(readdirSync(reportsDir(warehouse.dataDir)), ['2026-10.duckdb'], 'no temporary file left behind');
  t.notOk(existsSync(`${file}.wal`));
  await t.rejects(exportStewardReport(warehouse, '2026-1', warehouse.dataDir, []), /not YYYY-MM/);
});
