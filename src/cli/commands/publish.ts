import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { publishPeriod } from '../../govern/publish.js';
import { exportStewardReport } from '../../report/stewardReport.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface PublishCommandOptions extends DataOptions {
  period: string;
  overrideReason?: string;
  steward?: string;
}

export function registerPublishCommand(program: Command): void {
  withDataOptions(
    program
      .command('publish')
      .description('Publish a governed period; refused while it has error-level check failures, unless overridden with a reason')
      .addOption(periodOption())
      .option('--override-reason <text>', 'publish despite blocking findings, recording why')
      .option('--steward <name>', 'who publishes (default: the current user)'),
  ).action(async (options: PublishCommandOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const ids = connectorIds(connectorsFrom(options));
      const publication = await publishPeriod(warehouse, ids, {
        period: options.period,
        publishedBy: options.steward ?? userInfo().username,
        overrideReason: options.overrideReason,
      });
      await exportStewardReport(warehouse, options.period, warehouse.dataDir, ids);
      process.stdout.write(`Published ${publication.period}${publication.overridden ? ` over ${publication.blocking.length} blocking finding(s), reason recorded` : ''}.\n`);
    });
  });
}
