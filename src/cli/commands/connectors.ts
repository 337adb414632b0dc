/**
 * dx connectors check MANIFEST SAMPLE: try a manifest on a department's sample file (exit 1 on
 * a problem). dx connectors draft FILE: propose a manifest from a file.
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checkSample, type SampleCheck } from '../../collect/checkSample.js';
import { draftInputOf } from '../../collect/sampleHeader.js';
import { draftManifest } from '../../connectors/draftManifest.js';
import { loadConnector, loadConnectorSet, ManifestError } from '../../connectors/manifest.js';
import { renderTable } from '../../report/textTable.js';
import { loadCanonicalSchemas } from '../../schemas/canonicalSchemas.js';

/** The period a sample's name carries (202611, 2026-11), else the current month. */
export function periodOfFile(file: string, now = new Date()): string {
  const m = /(?<!\d)((?:19|20)\d{2})-?(0[1-9]|1[0-2])(?!\d)/.exec(basename(file));
  return m ? `${m[1]}-${m[2]}` : now.toISOString().slice(0, 7);
}

export function renderSampleCheck(check: SampleCheck): string {
  const out: string[] = [`${check.manifest} on ${check.file} (period ${check.period})`, ''];
  out.push(`header (${check.header.length}): ${check.header.join(', ')}`);
  out.push(`unmapped columns: ${check.unmapped.length > 0 ? check.unmapped.join(', ') : 'none'}`);
  if (check.filter) out.push(`filter: ${check.filter}`);
  if (check.batch) {
    const b = check.batch;
    out.push(`rows read ${b.rowsRead} = loaded ${b.rowsLoaded} + quarantined ${b.rowsQuarantined} + filtered ${b.rowsFiltered}`);
  }
  if (check.rows.length > 0) {
    const columns = Object.keys(check.rows[0]!);
    out.push('', `first rows as mapped:`, renderTable(columns, check.rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))))));
  }
  if (check.quarantined.length > 0) {
    out.push('', 'rows that would be quarantined:', renderTable(['line', 'field', 'reason'], check.quarantined.map((q) => [String(q.line), q.field ?? '', q.reason])));
  }
  const flagged = check.rules.filter((r) => r.status === 'error' || r.status === 'warn');
  if (flagged.length > 0) {
    out.push('', 'rules that would flag the batch:', renderTable(['rule', 'status', 'failed', 'of', 'message'], flagged.map((r) => [r.ruleId, r.status, String(r.failedRows), String(r.checkedRows), r.message ?? ''])));
  }
  out.push('', check.problems.length === 0 ? 'OK: the manifest reads the sample cleanly.' : `PROBLEMS:\n${check.problems.map((p) => `  - ${p}`).join('\n')}`);
  return `${out.join('\n')}\n`;
}

export function registerConnectorsCommand(program: Command): void {
  const connectors = program.command('connectors').description('Write and try connector manifests');
  connectors.command('check')
    .description('Try a manifest on a sample file: header, first rows as mapped, unmapped columns, rows quarantined or filtered and why (exit 1 on a problem)')
    .argument('<manifest>', 'the connector manifest (JSON)')
    .argument('<sample>', 'a sample of the department\'s file')
    .addOption(new Option('--period <YYYY-MM>', 'the drop the sample stands for').default(undefined, 'the month in the file name, else this month'))
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('table'))
    .action(async (manifestPath: string, sample: string, options: { period?: string; format: 'json' | 'table' }) => {
      let connector;
      try {
        connector = loadConnector(resolve(manifestPath));
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        process.stderr.write(`dx: ${error.manifestFile}:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      const result = await checkSample(connector, resolve(sample), options.period ?? periodOfFile(sample));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderSampleCheck(result));
      if (result.problems.length > 0) process.exitCode = 1;
    });
  connectors.command('draft')
    .description('Propose a manifest from a department\'s file: encoding, delimiter, header-to-field guesses, date layouts and labels seen')
    .argument('<file>', 'the department\'s file')
    .addOption(new Option('--out <manifest>', 'write the draft here instead of stdout'))
    .action(async (file: string, options: { out?: string }) => {
      const input = await draftInputOf(resolve(file), basename(file));
      if (input.header.length === 0) throw new Error(`${file}: no header or JSON object found to draft from`);
      const draft = draftManifest(input, loadCanonicalSchemas(), loadConnectorSet().connectors);
      const text = `${JSON.stringify({ $schema: '../../schemas/connector.schema.json', ...draft.manifest }, null, 2)}\n`;
      if (options.out) writeFileSync(options.out, text);
      else process.stdout.write(text);
      process.stderr.write(`Drafted for canonical schema ${draft.schema} (${input.format}, ${input.encoding}${input.format === 'csv' ? `, delimiter ${JSON.stringify(input.delimiter)}` : ''}).\n${draft.notes.map((n) => `  - ${n}`).join('\n')}\nThen: dx connectors check <manifest> ${file}\n`);
    });
}
