import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { AuditRecord } from '../../audit/auditRecord.js';
import { AuditFilterError, auditFilterOf, type AuditFilter } from '../../audit/auditFilter.js';
import { queryAuditPage } from '../../audit/queryAudit.js';
import { keyDirOf, rotateSigningKey } from '../../audit/checkpointKey.js';
import { verifyAuditDir, type ChainVerification } from '../../audit/verifyAudit.js';
import { renderTable } from '../../report/textTable.js';

interface AuditDirOptions {
  data: string;
}

interface VerifyCommandOptions extends AuditDirOptions {
  witness?: string[];
  publicKey?: string[];
  rebuildIndex?: boolean;
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
  const signed = c.checkpoints === undefined ? '' : `, ${c.checkpoints} signed checkpoints${c.unsigned ? `, ${c.unsigned} records not yet signed` : ''}`;
  if (c.ok) return `${c.chain}: ok, ${c.records.toLocaleString('en-US')} records${c.head ? `, head seq ${c.head.seq} hash ${c.head.hash}` : ''}${signed}`;
  const bad = c.firstBad;
  const lines = [bad ? `${c.chain}: BROKEN at ${c.file} line ${bad.line}${bad.seq === null ? '' : ` (seq ${bad.seq})`}: ${bad.problem}` : `${c.chain}: BROKEN`];
  for (const problem of c.problems) lines.push(`  ${problem}`);
  return lines.join('\n');
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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
    .option('--witness <dir>', 'a witness folder holding copies of the checkpoints (repeatable; default DX_AUDIT_WITNESS)', collect)
    .option('--public-key <path>', 'a public key file, or a folder of them, to check signatures with (repeatable; default the keys listed beside the signing key)', collect)
    .option('--rebuild-index', 'build a subject index that does not match its chain again from the chain (chains no writer is running)')
    .action(async (options: VerifyCommandOptions) => {
      const dir = auditDir(options);
      const result = await verifyAuditDir(dir, {
        ...(options.witness ? { witnesses: options.witness } : {}), ...(options.publicKey ? { publicKeys: options.publicKey } : {}), rebuildIndex: options.rebuildIndex === true,
      });
      if (result.chains.length === 0) {
        // No logs where there should be some is itself a finding, not a pass.
        process.stdout.write(`No audit chains in ${dir}.\n`);
        process.exitCode = 1;
        return;
      }
      for (const chain of result.chains) {
        process.stdout.write(`${describeChain(chain)}\n`);
        if (chain.indexRebuilt) process.stdout.write(`  subject index rebuilt from the chain\n`);
      }
      if (!result.ok) process.exitCode = 1;
    });
  audit
    .command('rotate-key')
    .description('Make a new checkpoint signing key; the old public key stays listed, writers use the new key when they next open their chain')
    .addOption(dataOption())
    .action((options: AuditDirOptions) => {
      const key = rotateSigningKey(keyDirOf(auditDir(options)));
      process.stdout.write(`New audit signing key ${key.keyId}; give its public key (public/${key.keyId}.pem in the key folder) to the auditors.\n`);
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
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .action(async (options: QueryOptions) => {
      const { data: _data, format, ...given } = options;
      let filter;
      try {
        filter = auditFilterOf(given as Record<string, unknown>);
      } catch (error) {
        if (!(error instanceof AuditFilterError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const page = await queryAuditPage(auditDir(options), filter);
      process.stdout.write(format === 'json' ? `${JSON.stringify(page.records, null, 2)}\n` : `${renderRecords(page.records)}\n`);
      if (page.next) process.stderr.write(`More records: --cursor ${page.next}\n`);
    });
}
