import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checksReport, renderChecksReport } from '../../report/checksReport.js';
import { CYCLE_STEPS, runCycle, type CycleStep } from '../../cycle/runCycle.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface CycleCommandOptions extends DataOptions {
  period: string;
  source: string;
  until?: CycleStep;
  quiet?: boolean;
}

export function registerCycleCommand(program: Command): void {
  withDataOptions(
    program
      .command('cycle')
      .description('Run the monthly cycle for a period: collect every department\'s files, check them, govern them into the views, publish')
      .addOption(periodOption())
      .requiredOption('--source <dir>', 'the period\'s drop folder, where departments put their files')
      .addOption(new Option('--until <step>', 'stop after this step').choices([...CYCLE_STEPS]))
      .option('--quiet', 'print nothing but errors'),
  ).action(async (options: CycleCommandOptions) => {
    const set = connectorsFrom(options);
    await withWarehouse(options, async (warehouse) => {
      const started = Date.now();
      const say = (text: string) => { if (!options.quiet) process.stdout.write(`${text}\n`); };
      const result = await runCycle(warehouse, set, {
        period: options.period,
        source: resolve(options.source),
        until: options.until,
        onStep: (step, phase, detail) => say(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step} ${phase === 'start' ? '…' : `done${detail ? `: ${detail}` : ''}`}`),
      });
      const report = await checksReport(warehouse, options.period, connectorIds(set));
      say('');
      say(renderChecksReport(report));
      if (result.collect.attempts.some((a) => a.status === 'failed')) process.exitCode = 1;
    });
  });
}
