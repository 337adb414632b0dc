import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checksReport, renderChecksReport } from '../../report/checksReport.js';
import { CYCLE_STEPS, runCycle, type CycleStep } from '../../cycle/runCycle.js';
import { followRun } from '../../cycle/followRun.js';
import { renderCycleStatus } from '../../cycle/renderStatus.js';
import { enqueueCycle } from '../../schedule/enqueueCycle.js';
import { connectRedis, redisUrl } from '../../schedule/queueConnection.js';
import { assertSourceFolder } from '../../collect/collectPeriod.js';
import { matchSourceFiles, walk as listDropFiles } from '../../collect/sourceFiles.js';
import { parsePeriod, periodsNamedIn } from '../../period.js';
import { CliError, EXIT } from '../exitCodes.js';
import { note, out } from '../output.js';
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
    assertPeriodDelivered(options);
    const url = redisUrl();
    if (url) await enqueue(url, options);
    else await runHere(options);
  });
}

/**
 * A drop folder holding no file of the period asked for is an error naming the periods it does
 * hold: a wrong --period would otherwise collect nothing, load nothing, and exit 0.
 */
function assertPeriodDelivered(options: CycleCommandOptions): void {
  const source = resolve(options.source);
  parsePeriod(options.period);
  assertSourceFolder(source, options.period);
  const set = connectorsFrom(options);
  if (set.connectors.some((c) => matchSourceFiles(source, c.source.glob, options.period).length > 0)) return;
  const found = periodsNamedIn(listDropFiles(source));
  throw new CliError(`no department file in ${source} is for ${options.period}; ${found.length > 0 ? `the folder holds files for ${found.join(', ')}` : 'no file there names a period (YYYYMM)'}`, EXIT.noInput);
}

async function enqueue(url: string, options: CycleCommandOptions): Promise<void> {
  const dataDir = resolve(options.data);
  const redis = await connectRedis(url);
  let runId: string;
  try {
    ({ runId } = await enqueueCycle(redis, { dataDir, set: connectorsFrom(options), period: options.period, source: resolve(options.source), until: options.until }));
  } finally {
    redis.disconnect();
  }
  const say = (text: string) => { if (!options.quiet) process.stderr.write(text); };
  say(`Cycle ${options.period} queued as run ${runId}; dx worker processes run it. Follow it with: dx status --period ${options.period}\n`);
  if (!options.wait) return;
  const status = await followRun({ dataDir, period: options.period, runId, tty: !options.quiet && process.stderr.isTTY, write: say });
  if (!options.quiet) out(renderCycleStatus(status));
  if (status.run.state !== 'completed') {
    note(`run ${runId} ${status.run.state}: ${status.run.outcome ?? ''}`);
    process.exitCode = EXIT.failed;
  } else if (/not published/.test(status.run.outcome ?? '')) process.exitCode = EXIT.notPublishable;
}

async function runHere(options: CycleCommandOptions): Promise<void> {
  const set = connectorsFrom(options);
  await withWarehouse(options, async (warehouse) => {
    const started = Date.now();
    // Progress is a diagnostic (stderr); the checks report is the result (stdout).
    const say = (text: string) => { if (!options.quiet) process.stderr.write(`${text}\n`); };
    const result = await runCycle(warehouse, set, {
      period: options.period,
      source: resolve(options.source),
      until: options.until,
      onStep: (step, phase, detail) => say(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${step} ${phase === 'start' ? '…' : `done${detail ? `: ${detail}` : ''}`}`),
    });
    const report = await checksReport(warehouse, options.period, connectorIds(set));
    if (!options.quiet) out(renderChecksReport(report));
    const failed = result.collect.attempts.filter((a) => a.status === 'failed');
    // Errors are said even with --quiet: a script that asked for quiet still needs to know why it failed.
    for (const a of failed) note(`${a.connector}: batch failed: ${a.error}`);
    if (failed.length > 0) process.exitCode = EXIT.failed;
    else if (result.publication && 'refused' in result.publication) {
      note(`${options.period} not published: ${result.publication.refused.length} blocking finding(s); see dx report checks --period ${options.period}`);
      process.exitCode = EXIT.notPublishable;
    }
  });
}
