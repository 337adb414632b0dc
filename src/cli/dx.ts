#!/usr/bin/env node
/** dx: the exchange's command line. Each command lives in its own file under commands/. */
import { Command } from 'commander';
import { registerCycleCommand } from './commands/cycle.js';
import { registerFixturesCommand } from './commands/fixtures.js';
import { registerReportCommand } from './commands/report.js';
import { registerServeCommand } from './commands/serve.js';

export function buildProgram(): Command {
  const program = new Command('dx')
    .description('Government data-sharing exchange: collect, check, govern and share department registers.')
    .showHelpAfterError()
    .exitOverride();
  registerFixturesCommand(program);
  registerCycleCommand(program);
  registerReportCommand(program);
  registerServeCommand(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
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
