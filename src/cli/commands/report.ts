import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checksReport, renderChecksReport, type ChecksReport } from '../../report/checksReport.js';
import { failingRows, quarantinedRows } from '../../report/drillDown.js';
import { formatOption, renderRows, toCsv, type ReportFormat } from '../output.js';
import { reconciliationReport } from '../../report/reconciliationReport.js';
import { reconciliationCsv, renderReconciliation } from '../../report/renderReconciliation.js';
import { exportStewardReport } from '../../report/stewardReport.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface ReportOptions extends DataOptions {
  period: string;
  format: ReportFormat;
}

interface DrillDownOptions extends ReportOptions {
  connector?: string;
  rule?: string;
  limit: number;
}

function drillDownCommand(parent: Command, name: string, description: string): Command {
  return withDataOptions(
    parent.command(name).description(description).addOption(periodOption()).addOption(formatOption())
      .option('--connector <department/dataset>', 'only this connector')
      .option('--limit <n>', 'at most this many rows', (v) => Number(v), 100),
  );
}

function print(format: ReportFormat, rows: ReadonlyArray<object>, columns: string[]): void {
  // A line number is an address, not a quantity: no thousands separator in the table.
  const shown = format === 'table' ? rows.map((r) => ({ ...r, line: String((r as { line?: unknown }).line ?? '') })) : rows;
  process.stdout.write(renderRows(format, columns, shown));
}

/** The checks report as CSV: one row per department dataset, what blocks publishing in its own column. */
function checksCsv(report: ChecksReport): string {
  return toCsv(['connector', 'status', 'rows_read', 'rows_loaded', 'rows_quarantined', 'error_rules', 'warn_rules', 'error'], report.batches.map((b) => ({
    ...b, error_rules: b.rules.filter((r) => r.status === 'error').length, warn_rules: b.rules.filter((r) => r.status === 'warn').length,
  })));
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
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : options.format === 'csv' ? checksCsv(result) : `${renderChecksReport(result)}\n`);
    });
  });
  drillDownCommand(report, 'quarantine', 'Quarantined rows: file, line, reason and the raw line').action(async (options: DrillDownOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const rows = await quarantinedRows(warehouse, options);
      print(options.format, rows, ['connector', 'file', 'line', 'reason', 'raw_line']);
    });
  });
  drillDownCommand(report, 'failures', 'Rows failing a check rule: file, line, value and why')
    .option('--rule <rule id>', 'only this rule, e.g. format:id_number')
    .action(async (options: DrillDownOptions) => {
      await withWarehouse(options, async (warehouse) => {
        const rows = await failingRows(warehouse, options);
        print(options.format, rows, ['connector', 'rule_id', 'file', 'line', 'value', 'detail']);
      });
    });
  withDataOptions(
    report
      .command('reconciliation')
      .description('Per department, conflicts between departments, ID repairs, orphans, duplicates, month-over-month changes, view hashes')
      .addOption(periodOption())
      .addOption(formatOption()),
  ).action(async (options: ReportOptions) => {
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
