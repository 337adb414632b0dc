#!/usr/bin/env -S node --max-semi-space-size=64
/** dx: the exchange's command line. Each command lives in its own file under commands/. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { config, ConfigError } from '../config.js';
import { CliError, EXIT } from './exitCodes.js';
import { PeriodError } from '../period.js';
import { PortTakenError } from '../portFree.js';
import { RedisUnreachableError } from '../schedule/queueConnection.js';
import { SourceFolderError } from '../collect/collectPeriod.js';
import { quietOnClosedPipe } from './output.js';
import { registerConfigCommand } from './commands/config.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerAccessCommands } from './commands/access.js';
import { registerApplicationsCommand } from './commands/applications.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCasesCommands } from './commands/cases.js';
import { registerCheckCommand } from './commands/check.js';
import { registerConnectorsCommand } from './commands/connectors.js';
import { registerCycleCommand } from './commands/cycle.js';
import { registerFixturesCommand } from './commands/fixtures.js';
import { registerLinkCommand } from './commands/link.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerReportCommand } from './commands/report.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSubscriptionsCommand } from './commands/subscriptions.js';
import { registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('dx')
    .description('Government data-sharing exchange: collect, check, govern and share department registers.')
    .showHelpAfterError()
    .exitOverride();
  registerFixturesCommand(program);
  registerCycleCommand(program);
  registerReportCommand(program);
  registerPublishCommand(program);
  registerServeCommand(program);
  registerAccessCommands(program);
  registerAuditCommand(program);
  registerWorkerCommand(program);
  registerStatusCommand(program);
  registerSubscriptionsCommand(program);
  registerCasesCommands(program);
  registerCheckCommand(program);
  registerApplicationsCommand(program);
  registerLinkCommand(program);
  registerConfigCommand(program);
  registerConnectorsCommand(program);
  registerBackupCommands(program);
  return program;
}

/** Benchmarks ask a child dx for its own peak memory and CPU time. */
function reportResourceUsageOnExit(): void {
  const file = config().DX_RUSAGE_FILE;
  if (!file) return;
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
  });
}

/** The exit status an error ends the command with (docs/operations.md lists them). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError) return EXIT.config;
  if (error instanceof PeriodError) return EXIT.usage;
  if (error instanceof PortTakenError || error instanceof RedisUnreachableError) return EXIT.unavailable;
  if (error instanceof SourceFolderError) return EXIT.noInput;
  const code = (error as { code?: string }).code;
  if (code?.startsWith('commander.')) return EXIT.usage;
  return EXIT.failed;
}

async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  // The data folder holds the audit chains, the access store and snapshots of the whole population:
  // every folder dx creates is 0700 and every file 0600, whichever code creates it.
  process.umask(0o077);
  try {
    // The whole environment is validated before any command runs: a bad value is refused up front.
    config();
    reportResourceUsageOnExit();
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return;
    // Commander has already said what was wrong with the usage, on stderr.
    if (!code?.startsWith('commander.')) process.stderr.write(`dx: ${(error as Error).message}\n`);
    process.exitCode = exitCodeOf(error);
  }
}

await main(process.argv);
