import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checksReport, renderChecksReport } from '../../report/checksReport.js';
import { CYCLE_STEPS, runCycle, type CycleStep } from '../../cycle/runCycle.js';
import { followRun } from '../../cycle/followRun.js';
import { renderCycleStatus } from '../../cycle/renderStatus.js';
import { enqueueCycle } from '../../schedule/enqueueCycle.js';
import { redisConnection, redisUrl } from '../../schedule/queueConnection.js';
import { connectorIds, connectorsFrom, periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

interface CycleCommandOptions extends DataOptions {
  period: string;
  source: string;
  until?: CycleStep;
  quiet?: boolean;
  wait?: boolean;
}

export function registerCycleCommand(program: Command): void {
  withDataOptions(
    program
      .command('cycle')
      .description('Run the monthly cycle for a period: collect every department\'s files, check them, govern them into the views, publish, notify subscribers. With REDIS_URL set, the cycle is put on the queue for `dx worker` processes; without, it runs here.')
      .addOption(periodOption())
      .requiredOption('--source <dir>', 'the period\'s drop folder, where departments put their files')
      .addOption(new Option('--until <step>', 'stop after this step').choices([...CYCLE_STEPS]))
      .option('--wait', 'with REDIS_URL: follow the queued run to its end, exit non-zero if it fails')
      .option('--quiet', 'print nothing but errors'),
  ).action(async (options: CycleCommandOptions) => {
    const url = redisUrl();
    if (url) await enqueue(url, options);
    else await runHere(options);
  });
}

async function enqueue(url: string, options: CycleCommandOptions): Promise<void> {
  const dataDir = resolve(options.data);
  const redis = redisConnection(url);
  let runId: string;
  try {
    ({ runId } = await enqueueCycle(redis, { dataDir, set: connectorsFrom(options), period: options.period, source: resolve(options.source), until: options.until }));
  } finally {
    redis.disconnect();
  }
  const say = (text: string) => { if (!options.quiet) process.stdout.write(text); };
  say(`Cycle ${options.period} queued as run ${runId}; dx worker processes run it. Follow it with: dx status --period ${options.period}\n`);
  if (!options.wait) return;
  const status = await followRun({ dataDir, period: options.period, runId, tty: !options.quiet && process.stdout.isTTY, write: say });
  say(`${renderCycleStatus(status)}\n`);
  if (status.run.state === 'failed') process.exitCode = 1;
}

async function runHere(options: CycleCommandOptions): Promise<void> {
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
}
