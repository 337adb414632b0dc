import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AuditRecord } from '../../audit/auditRecord.js';
import { queryAudit, type AuditFilter } from '../../audit/queryAudit.js';
import { verifyAuditDir, type ChainVerification } from '../../audit/verifyAudit.js';
import { renderTable } from '../../report/textTable.js';

interface AuditDirOptions {
  data: string;
}

interface QueryOptions extends AuditDirOptions, AuditFilter {
  limit: number;
  format: 'json' | 'table';
}

function dataOption(): Option {
  return new Option('--data <dir>', 'the data directory; audit logs are in its audit/ folder').default('./data');
}

function auditDir(options: AuditDirOptions): string {
  return join(resolve(options.data), 'audit');
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('it must be a whole number of at least 1');
  return n;
}

/** One line per chain: sound with its head (worth writing down elsewhere), or where it first breaks. */
export function describeChain(c: ChainVerification): string {
  if (c.ok) return `${c.chain}: ok, ${c.records.toLocaleString('en-US')} records${c.head ? `, head seq ${c.head.seq} hash ${c.head.hash}` : ''}`;
  const bad = c.firstBad!;
  return `${c.chain}: BROKEN at ${c.file} line ${bad.line}${bad.seq === null ? '' : ` (seq ${bad.seq})`}: ${bad.problem}`;
}

function renderRecords(records: AuditRecord[]): string {
  const columns = ['time', 'chain', 'seq', 'client', 'department', 'purpose', 'resource', 'action', 'outcome', 'status', 'subjects', 'fields', 'reason'];
  const rows = records.map((r) => [r.time, r.chain, r.seq, r.client, r.department, r.purpose, r.resource, r.action, r.outcome, r.status, r.subjects.join(' '), r.fields.join(' '), r.reason]);
  return renderTable(columns, rows);
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident access log: verify its hash chains, ask who looked at what');
  audit
    .command('verify')
    .description('Check every audit chain; exits 1 naming the first bad record when any chain is broken')
    .addOption(dataOption())
    .action(async (options: AuditDirOptions) => {
      const dir = auditDir(options);
      const result = await verifyAuditDir(dir);
      if (result.chains.length === 0) {
        // No logs where there should be some is itself a finding, not a pass.
        process.stdout.write(`No audit chains in ${dir}.\n`);
        process.exitCode = 1;
        return;
      }
      for (const chain of result.chains) process.stdout.write(`${describeChain(chain)}\n`);
      if (!result.ok) process.exitCode = 1;
    });
  audit
    .command('query')
    .description('Audit records matching a filter, newest first')
    .addOption(dataOption())
    .option('--client <id>', 'only this client')
    .option('--subject <id>', 'only records touching this subject (ID number, USCC)')
    .option('--resource <name>', 'only this resource, e.g. population')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(['allowed', 'denied', 'error']))
    .option('--from <time>', 'from this ISO 8601 time (inclusive)')
    .option('--to <time>', 'until this ISO 8601 time (exclusive)')
    .option('--limit <n>', 'at most this many records', positiveInteger, 100)
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .action(async (options: QueryOptions) => {
      const { data: _data, format, ...filter } = options;
      const records = await queryAudit(auditDir(options), filter);
      process.stdout.write(format === 'json' ? `${JSON.stringify(records, null, 2)}\n` : `${renderRecords(records)}\n`);
    });
}
