import type { Command } from 'commander';
import { describeConfig } from '../../config.js';
import { formatOption, out, renderRows, type ReportFormat } from '../output.js';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('Print the effective configuration from the environment (secrets masked): each variable, its value, where it came from, what it does')
    .addOption(formatOption())
    .action((options: { format: ReportFormat }) => {
      const rows = describeConfig();
      out(renderRows(options.format, ['name', 'value', 'source', 'description'], rows));
    });
}
