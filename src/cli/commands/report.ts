import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checksReport, renderChecksReport } from '../../report/checksReport.js';
import { failingRows, quarantinedRows } from '../../report/drillDown.js';
import { renderTable } from '../../report/textTable.js';
import { reconciliationReport } from '../../report/reconciliationReport.js';
import { reconciliationCsv, renderReconciliation } from '../../report/renderReconciliation.js';
import { exportStewardReport } from '../../report/stewardReport.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface ReportOptions extends DataOptions {
  period: string;
  format: 'json' | 'table';
}

interface DrillDownOptions extends ReportOptions {
  connector?: string;
  rule?: string;
  limit: number;
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['json', 'table']).default('table');
}

function drillDownCommand(parent: Command, name: string, description: string): Command {
  return withDataOptions(
    parent.command(name).description(description).addOption(periodOption()).addOption(formatOption())
      .option('--connector <department/dataset>', 'only this connector')
      .option('--limit <n>', 'at most this many rows', (v) => Number(v), 100),
  );
}

function print(format: 'json' | 'table', rows: Array<Record<string, unknown>>, columns: string[]): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : `${renderTable(columns, rows.map((r) => columns.map((c) => (c === 'line' ? String(r[c]) : (r[c] as string | number | null)))))}\n`);
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('Reports of a period');
  withDataOptions(
    report
      .command('checks')
      .description('Per batch: rows read, loaded and quarantined, and the failures per rule')
      .addOption(periodOption())
      .addOption(formatOption()),
  ).action(async (options: ReportOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const result = await checksReport(warehouse, options.period, connectorIds(connectorsFrom(options)));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${renderChecksReport(result)}\n`);
    });
  });
  drillDownCommand(report, 'quarantine', 'Quarantined rows: file, line, reason and the raw line').action(async (options: DrillDownOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const rows = await quarantinedRows(warehouse, options);
      print(options.format, rows as unknown as Array<Record<string, unknown>>, ['connector', 'file', 'line', 'reason', 'raw_line']);
    });
  });
  drillDownCommand(report, 'failures', 'Rows failing a check rule: file, line, value and why')
    .option('--rule <rule id>', 'only this rule, e.g. format:id_number')
    .action(async (options: DrillDownOptions) => {
      await withWarehouse(options, async (warehouse) => {
        const rows = await failingRows(warehouse, options);
        print(options.format, rows as unknown as Array<Record<string, unknown>>, ['connector', 'rule_id', 'file', 'line', 'value', 'detail']);
      });
    });
  withDataOptions(
    report
      .command('reconciliation')
      .description('Per department, conflicts between departments, ID repairs, orphans, duplicates, month-over-month changes, view hashes')
      .addOption(periodOption())
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table')),
  ).action(async (options: Omit<ReportOptions, 'format'> & { format: 'json' | 'csv' | 'table' }) => {
    await withWarehouse(options, async (warehouse) => {
      const result = await reconciliationReport(warehouse, options.period, connectorIds(connectorsFrom(options)));
      const text = options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : options.format === 'csv' ? reconciliationCsv(result) : `${renderReconciliation(result)}\n`;
      process.stdout.write(text);
    });
  });
  withDataOptions(
    report.command('export').description('Export the period\'s steward report for the API and the console (DIR/reports/<period>.duckdb)').addOption(periodOption()),
  ).action(async (options: DataOptions & { period: string }) => {
    await withWarehouse(options, async (warehouse) => {
      const file = await exportStewardReport(warehouse, options.period, resolve(options.data), connectorIds(connectorsFrom(options)));
      process.stdout.write(`Steward report for ${options.period} written to ${file}\n`);
    });
  });
}
