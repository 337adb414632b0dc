#!/usr/bin/env -S node --max-semi-space-size=64
/** dx: the exchange's command line. Each command lives in its own file under commands/. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAccessCommands } from './commands/access.js';
import { registerApplicationsCommand } from './commands/applications.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCasesCommands } from './commands/cases.js';
import { registerCheckCommand } from './commands/check.js';
import { registerCycleCommand } from './commands/cycle.js';
import { registerFixturesCommand } from './commands/fixtures.js';
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
  return program;
}

/** Benchmarks ask a child dx for its own peak memory and CPU time. */
function reportResourceUsageOnExit(): void {
  const file = process.env.DX_RUSAGE_FILE;
  if (!file) return;
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
  });
}

async function main(argv: string[]): Promise<void> {
  reportResourceUsageOnExit();
  // The data folder holds the audit chains, the access store and snapshots of the whole population:
  // every folder dx creates is 0700 and every file 0600, whichever code creates it.
  process.umask(0o077);
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return;
    if (code?.startsWith('commander.')) { process.exitCode = 2; return; }
    process.stderr.write(`dx: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
