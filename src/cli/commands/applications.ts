/** dx applications: review an application against the published registers, list the types, show a recorded decision. */
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { loadApplicationTypes } from '../../applications/applicationType.js';
import { DecisionStore } from '../../applications/decisionStore.js';
import { snapshotFactSources } from '../../applications/factSources.js';
import { reviewApplication, type ApplicationDecision } from '../../applications/reviewApplication.js';
import { withPublishedSnapshot } from '../../payments/snapshotFacts.js';

const dataOption = () => new Option('--data <dir>', 'where the DuckDB files live').default('./data');

export function renderDecision(d: ApplicationDecision): string {
  const lines = [`Application ${d.id} (${d.type}), decided against the registers published for ${d.period}:`,
    d.decision === 'approved' ? `APPROVED automatically: all ${d.met.length} rules met.` : `MANUAL REVIEW: ${d.unmet.length} of ${d.met.length + d.unmet.length} rules not met:`];
  for (const u of d.unmet) lines.push(`  - ${u.rule}: ${u.says}\n      ${u.why}`);
  if (d.notFound.length) lines.push(`Not found: ${d.notFound.join('; ')}`);
  lines.push('Facts used:');
  for (const [path, fact] of Object.entries(d.facts)) {
    const source = !fact.source ? 'not found' : fact.source.department
      ? `${String(fact.source.department)}${fact.source.file ? ` ${String(fact.source.file)}:${String(fact.source.line)}` : ''}` : String(fact.source.note ?? '');
    lines.push(`  ${path} = ${JSON.stringify(fact.value)}  [${source}]`);
  }
  return `${lines.join('\n')}\n`;
}

function parseInputs(pairs: string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`"${pair}": inputs are name=value, e.g. applicant_id=150203198001010011`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
}

export function registerApplicationsCommand(program: Command): void {
  const applications = program.command('applications').description('Automatic application review (rules as data in pipelines/applications/)');
  applications.command('types').description('The application types, their inputs and rules').action(() => {
    for (const type of loadApplicationTypes().values()) {
      process.stdout.write(`${type.type}: ${type.title}\n  inputs: ${Object.entries(type.inputs).map(([n, i]) => `${n} (${i.description})`).join(', ')}\n${type.rules.map((r) => `  - ${r.id}: ${r.says}`).join('\n')}\n`);
    }
  });
  applications.command('review').description('Decide an application: approved, or manual review with each unmet rule named; recorded with its facts')
    .argument('<type>', 'e.g. household-move-after-purchase')
    .argument('<inputs...>', 'name=value, e.g. applicant_id=... property_certificate=...')
    .option('--by <who>', 'the clerk', userInfo().username)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text']).default('text'))
    .addOption(dataOption())
    .action(async (typeName: string, pairs: string[], options: { by: string; format: 'json' | 'text'; data: string }) => {
      const type = loadApplicationTypes().get(typeName);
      if (!type) throw new Error(`no application type "${typeName}"; see dx applications types`);
      const dataDir = resolve(options.data);
      const decision = await withPublishedSnapshot(dataDir, (connection, pointer) =>
        reviewApplication(type, parseInputs(pairs), snapshotFactSources(connection, pointer.period), { by: `cli:${options.by}`, period: pointer.period }));
      await new DecisionStore(dataDir).record(decision);
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(decision, null, 2)}\n` : renderDecision(decision));
    });
  applications.command('show').description('A recorded decision').argument('<id>').addOption(dataOption())
    .action((id: string, options: { data: string }) => {
      const decision = new DecisionStore(resolve(options.data)).get(id);
      if (!decision) throw new Error(`no decision ${id}`);
      process.stdout.write(renderDecision(decision));
    });
}
