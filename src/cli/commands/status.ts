import { resolve } from 'node:path';
import type { Command } from 'commander';
import { periodsWithStatus, readCycleStatus } from '../../cycle/cycleStatus.js';
import { followRun } from '../../cycle/followRun.js';
import { renderCycleStatus } from '../../cycle/renderStatus.js';
import { EXIT } from '../exitCodes.js';
import { formatOption, renderRows, type ReportFormat } from '../output.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Show a period\'s cycle: each step\'s state, timing, retries and errors, and departments still awaited')
    .option('--period <YYYY-MM>', 'the period (default: the latest with a run)')
    .option('--data <dir>', 'where the DuckDB files live', './data')
    .option('--watch', 'keep showing it, with progress bars, until the run ends')
    .addOption(formatOption())
    .action(async (options: { period?: string; data: string; watch?: boolean; format: ReportFormat }) => {
      const dataDir = resolve(options.data);
      const period = options.period ?? periodsWithStatus(dataDir).at(-1);
      if (!period) throw new Error(`no cycle has run in ${dataDir} yet`);
      if (options.watch) {
        const status = await followRun({ dataDir, period, tty: process.stdout.isTTY });
        if (!process.stdout.isTTY) process.stdout.write(`${renderCycleStatus(status)}\n`);
        if (status.run.state === 'failed' || status.run.state === 'interrupted') process.exitCode = EXIT.failed;
        return;
      }
      const status = readCycleStatus(dataDir, period);
      if (!status) throw new Error(`no cycle has run for ${period} in ${dataDir}`);
      const steps = status.steps.map((s) => ({ ...s, period: status.run.period, run_id: status.run.runId, run_state: status.run.state }));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(status, null, 2)}\n`
        : options.format === 'csv' ? renderRows('csv', ['period', 'run_id', 'run_state', 'step', 'state', 'attempts', 'startedAt', 'endedAt', 'durationMs', 'detail', 'error'], steps)
          : `${renderCycleStatus(status)}\n`);
      if (status.run.state === 'failed' || status.run.state === 'interrupted') process.exitCode = EXIT.failed;
    });
}
