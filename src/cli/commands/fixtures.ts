/** `dx fixtures`: write a deterministic synthetic city, the way departments send their files. */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { describeCity, generateCity } from '../../fixtures/city.js';
import { PROJECT_ROOT } from '../../paths.js';

/** The second layout family: the same city as another set of departments would send it. */
export const VARIANT_CONNECTORS_DIR = join(PROJECT_ROOT, 'fixtures', 'variant-layout', 'connectors');

function wholeNumber(name: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

export function registerFixturesCommand(program: Command): void {
  program
    .command('fixtures')
    .description('Generate a deterministic synthetic city (Baotou) as department files, with truth.json listing every planted fault')
    .option('--persons <n>', 'number of persons', wholeNumber('--persons'), 10000)
    .option('--seed <s>', 'random seed', wholeNumber('--seed'), 1)
    .requiredOption('--period <YYYY-MM>', 'the month the files are for')
    .requiredOption('--out <dir>', 'folder to write the period\'s files to')
    .option('--layout <name>', 'departments\' layouts: default (connectors/) or variant (fixtures/variant-layout/connectors/: other files, headers, codes, date layouts, embedded IDs, no record numbers)', 'default')
    .option('--connectors <dir>', 'write the files as these manifests lay them out (overrides --layout)')
    .action(async (options: { persons: number; seed: number; period: string; out: string; layout: string; connectors?: string }) => {
      if (options.layout !== 'default' && options.layout !== 'variant') throw new Error(`--layout must be default or variant, got "${options.layout}"`);
      const connectorsDir = options.connectors ? resolve(options.connectors) : options.layout === 'variant' ? VARIANT_CONNECTORS_DIR : undefined;
      const summary = await generateCity({ ...options, connectorsDir });
      process.stdout.write(`${describeCity(summary)}\n`);
    });
}
