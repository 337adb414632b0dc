/** dx crosscheck: run the cross-checks of a governed period. dx cases: list cases, and change their status. */
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { CaseStore } from '../../cases/caseStore.js';
import { ACTIONS, type CaseAction, type CaseStatus } from '../../cases/caseLifecycle.js';
import { listCases, renderCases } from '../../cases/caseList.js';
import { crossCheckPeriod } from '../../crosscheck/crossCheckPeriod.js';
import { periodOption, withDataOptions, withWarehouse, type DataOptions } from '../options.js';

const dataOption = () => new Option('--data <dir>', 'where the DuckDB files live').default('./data');

interface ListOptions {
  data: string;
  period?: string;
  rule?: string;
  status?: CaseStatus;
  subject?: string;
  format: 'json' | 'csv' | 'table';
}

export function registerCasesCommands(program: Command): void {
  withDataOptions(program.command('crosscheck').description('Run the cross-checks of a governed period: findings, and a case for each new one').addOption(periodOption()))
    .action(async (options: DataOptions & { period: string }) => {
      await withWarehouse(options, async (warehouse) => {
        const result = await crossCheckPeriod(warehouse, options.period, { onProgress: (p) => process.stderr.write(`  ${p.rule}: ${p.findings}\n`) });
        process.stdout.write(`Cross-checked ${result.period}: ${result.findings} finding(s) from ${result.rules.length} rules; ${result.casesOpened} new case(s).\n`);
        for (const r of result.rules.filter((x) => x.error)) process.stdout.write(`  not run: ${r.error}\n`);
      });
    });

  const cases = program.command('cases').description('Cross-check cases: list, filter and export them (dx cases --period P), or change one (dx cases confirm|dismiss|resolve|reopen ID)')
    .option('--period <YYYY-MM>', 'only cases found in this period')
    .option('--rule <rule>', 'only this rule, e.g. pension_after_death')
    .addOption(new Option('--status <status>', 'only cases in this status').choices(['open', 'confirmed', 'dismissed', 'resolved']))
    .option('--subject <id>', 'only cases about this ID number, USCC or decision number')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'table']).default('table'))
    .addOption(dataOption())
    .action((options: ListOptions) => {
      const store = new CaseStore(resolve(options.data));
      process.stdout.write(renderCases(listCases(store, options), options.format));
    });
  for (const action of Object.keys(ACTIONS) as CaseAction[]) {
    cases.command(action).description(`${action} a case (it must be ${ACTIONS[action].from.join(' or ')}); recorded with who, when and why`)
      .argument('<caseId>')
      .requiredOption('--reason <text>', 'why')
      .option('--by <who>', 'who decides', userInfo().username)
      .addOption(dataOption())
      .action(async (caseId: string, _options: unknown, command: Command) => {
        // --data may be written after the action: commander gives it to the parent `cases` then.
        const options = command.optsWithGlobals<{ reason: string; by: string; data: string }>();
        const changed = await new CaseStore(resolve(options.data)).change(caseId, action, options.by, options.reason);
        process.stdout.write(`Case ${changed.caseId} is ${changed.status}.\n`);
      });
  }
}
