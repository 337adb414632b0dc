/**
 * Declared, not coded: no department code, dataset name or connector id appears as a literal
 * in pipelines/ or src/ outside the fixtures generator (src/fixtures/), which writes the sample
 * city. Which department sends what is in the manifests, the department registry and the
 * canonical schemas; models and code read roles. The test fails on a literal added anywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import t from 'tap';
import { loadConnectorSet } from '../../src/connectors/manifest.js';
import { loadDepartments } from '../../src/govern/departments.js';
import { loadCanonicalSchemas } from '../../src/schemas/canonicalSchemas.js';
import { PROJECT_ROOT } from '../../src/paths.js';

/**
 * Files outside governance that still name the sample city's departments, each for a reason
 * of its own: the demo seeds the sample city's clients, the audit bench writes synthetic
 * entries. Listed so that a new one fails.
 */
const SAMPLE_CITY_FILES = new Set(['src/demo/demo.ts', 'src/demo/demoAccess.ts', 'src/audit/appendThroughput.ts']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|sql)$/.test(name) ? [path] : [];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Literals naming a department, dataset or connector: quoted, or a path starting with one. */
export function literalsIn(text: string, names: string[]): string[] {
  const found = new Set<string>();
  for (const name of names) {
    if (new RegExp(`['"\`]${escape(name)}(?:['"\`]|/)`).test(text)) found.add(name);
  }
  return [...found];
}

t.test('no department code or dataset name as a literal in pipelines/ or src/', async (t) => {
  const set = loadConnectorSet();
  const schemaNames = new Set(loadCanonicalSchemas().keys());
  const departments = new Set([...loadDepartments().departments.keys(), ...set.connectors.map((c) => c.department)]);
  const datasets = new Set(set.connectors.map((c) => c.dataset).filter((d) => !schemaNames.has(d)));
  const connectorIds = set.connectors.map((c) => c.id);
  const names = [...departments, ...datasets, ...connectorIds];
  t.ok(departments.size >= 9 && connectorIds.length >= 14, 'the sample city\'s names are known to the scan');

  const scanned = [...files(join(PROJECT_ROOT, 'pipelines')), ...files(join(PROJECT_ROOT, 'src'))]
    .map((f) => relative(PROJECT_ROOT, f).split('\\').join('/'))
    .filter((f) => !f.startsWith('src/fixtures/') && !SAMPLE_CITY_FILES.has(f));
  t.ok(scanned.length > 100, `${scanned.length} files scanned`);
  const offending = scanned
    .map((file) => ({ file, literals: literalsIn(readFileSync(join(PROJECT_ROOT, file), 'utf8'), names) }))
    .filter((o) => o.literals.length > 0);
  t.same(offending, [], 'no file names a department or dataset');
});

t.test('the scan finds what it looks for', async (t) => {
  t.same(literalsIn(`WHERE department = 'health'`, ['health']), ['health']);
  t.same(literalsIn(`const c = "social-security/pension-payment";`, ['social-security']), ['social-security']);
  t.same(literalsIn('`police/户籍人口.csv`', ['police']), ['police']);
  t.same(literalsIn(`-- health keeps death certificates\nSELECT health_death_date`, ['health']), [], 'a word in a comment or a column is not a literal');
});

t.test('every x-authority of the canonical schemas is a department kind of the registry', async (t) => {
  const kinds = loadDepartments().kinds;
  const unknown = [...loadCanonicalSchemas().values()].flatMap((s) => [s.authority, ...s.fields.map((f) => f.authority)].filter((a) => !kinds.has(a)).map((a) => `${s.name}: ${a}`));
  t.same(unknown, []);
});
