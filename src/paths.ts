/** Where the project's own files are, whether running from src/ (tsx) or dist/src/ (built). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const SCHEMAS_DIR = join(PROJECT_ROOT, 'schemas');
export const CONNECTORS_DIR = join(PROJECT_ROOT, 'connectors');
export const PIPELINES_DIR = join(PROJECT_ROOT, 'pipelines');
