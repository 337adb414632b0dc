import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { publishPeriod, PublishGuardError, PublishRefusedError } from '../../govern/publish.js';
import { exportStewardReport } from '../../report/stewardReport.js';
import { CliError, EXIT } from '../exitCodes.js';
import { note, out } from '../output.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface PublishCommandOptions extends DataOptions {
  period: string;
  overrideReason?: string;
  steward?: string;
  force?: boolean;
  rollback?: boolean;
}

export function registerPublishCommand(program: Command): void {
  withDataOptions(
    program
      .command('publish')
      .description('Publish a governed period. Refused (exit 2) while it has error-level check failures, unless overridden with a reason; when a view is empty or shrank by more than DX_PUBLISH_MAX_SHRINK, unless --force; when it would move the served period back, unless --rollback')
      .addOption(periodOption())
      .option('--override-reason <text>', 'publish despite blocking findings, recording why')
      .option('--force', 'publish an empty view, or one that shrank by more than DX_PUBLISH_MAX_SHRINK against the served one')
      .option('--rollback', 'publish a period older than the one being served (the API goes back to it)')
      .option('--steward <name>', 'who publishes (default: the current user)'),
  ).action(async (options: PublishCommandOptions) => {
    await withWarehouse(options, async (warehouse) => {
      const ids = connectorIds(connectorsFrom(options));
      const publication = await publishPeriod(warehouse, ids, {
        period: options.period,
        publishedBy: options.steward ?? userInfo().username,
        overrideReason: options.overrideReason,
        force: options.force,
        rollback: options.rollback,
      }).catch((error: unknown) => {
        if (error instanceof PublishRefusedError || error instanceof PublishGuardError) throw new CliError(error.message, EXIT.notPublishable);
        throw error;
      });
      await exportStewardReport(warehouse, options.period, warehouse.dataDir, ids);
      if (publication.reasonNotNeeded) note(`no override was needed: ${publication.period} has no blocking findings (the reason is recorded all the same)`);
      if (options.force && publication.forced.length === 0) note('--force was not needed: neither view is empty or shrank past the limit');
      const said = [
        publication.overridden ? `over ${publication.blocking.length} blocking finding(s), reason recorded` : '',
        publication.forced.length > 0 ? `forced past: ${publication.forced.join('; ')}` : '',
        publication.rolledBackFrom ? `rolled back from ${publication.rolledBackFrom}` : '',
      ].filter(Boolean);
      out(`Published ${publication.period}${said.length > 0 ? ` ${said.join('; ')}` : ''}.`);
    });
  });
}
