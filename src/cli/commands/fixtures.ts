import type { Command } from 'commander';

/** Placeholder: `dx fixtures` is being written in src/fixtures/. */
export function registerFixturesCommand(program: Command): void {
  program.command('fixtures').description('Generate a deterministic synthetic city').action(() => {
    throw new Error('not yet implemented');
  });
}
