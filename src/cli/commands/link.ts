/** dx link --config FILE --out DIR A.csv [B.csv]: deduplicate one file or link two by Fellegi–Sunter record linkage. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadLinkageConfig } from '../../link/linkageConfig.js';
import { runLinkage, type LinkageSummary } from '../../link/runLinkage.js';

export function renderLinkageSummary(summary: LinkageSummary, outDir: string): string {
  const records = summary.records.join(' + ');
  return `${summary.mode === 'dedupe' ? 'Deduplicated' : 'Linked'} ${records} records: ${summary.candidatePairs} candidate pairs, ${summary.links} links, ${summary.clusters} clusters.
λ (two random records match) ${summary.model.lambda.toPrecision(3)}.
Wrote ${outDir}/pairs.csv, clusters.csv and model.json.
`;
}

export function registerLinkCommand(program: Command): void {
  program.command('link').description('Probabilistic record linkage (Fellegi–Sunter, as Splink): one file deduplicates, two link across')
    .argument('<files...>', 'one or two CSV or Parquet files')
    .requiredOption('--config <file>', 'the linkage configuration (schemas/linkage-config.schema.json)')
    .requiredOption('--out <dir>', 'where pairs.csv, clusters.csv and model.json are written')
    .option('--model <file>', 'a model.json from an earlier run: use its m and u instead of training')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (files: string[], options: { config: string; out: string; model?: string; quiet?: boolean }) => {
      if (files.length > 2) throw new Error('dx link takes one file (deduplicate) or two (link across)');
      const outDir = resolve(options.out);
      const summary = await runLinkage({
        config: loadLinkageConfig(resolve(options.config)),
        files: files.map((f) => resolve(f)),
        outDir,
        modelFile: options.model ? resolve(options.model) : undefined,
        log: (line) => { if (!options.quiet || line.startsWith('warning:')) process.stderr.write(`${line}\n`); },
      });
      process.stdout.write(renderLinkageSummary(summary, outDir));
    });
}
