/** `dx fixtures`: write a deterministic synthetic city, the way departments send their files. */
import type { Command } from 'commander';
import { describeCity, generateCity } from '../../fixtures/city.js';

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
    .action(async (options: { persons: number; seed: number; period: string; out: string }) => {
      const summary = await generateCity(options);
      process.stdout.write(`${describeCity(summary)}\n`);
    });
}
