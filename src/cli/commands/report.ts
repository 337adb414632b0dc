import { Option, type Command } from 'commander';
import { checksReport, renderChecksReport } from '../../report/checksReport.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface ReportOptions extends DataOptions {
  period: string;
  format: 'json' | 'table';
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('Reports of a period');
  withDataOptions(
    report
      .command('checks')
      .description('Per batch: rows read, loaded and quarantined, and the failures per rule')
      .addOption(periodOption())
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table')),
  ).action(async (options: ReportOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const result = await checksReport(warehouse, options.period, connectorIds(connectorsFrom(options)));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${renderChecksReport(result)}\n`);
    });
  });
}
