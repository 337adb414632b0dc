/**
 * The govern SQL as a model graph, dbt-style: every model names its inputs in its header
 * (`-- @inputs a, b`), the run order is derived from them (a topological sort; a cycle is an
 * error naming it), and the layers are enforced: staging reads the raw canonical tables and
 * nothing else does; no model reads a layer above its own. A model that reads a relation it
 * does not declare, or declares one it does not read, is refused, so the header cannot drift
 * from the SQL.
 */
import type { ModelTest } from './modelTests.js';
import { parseTests } from './modelTests.js';

export type Layer = 'raw' | 'seed' | 'staging' | 'intermediate' | 'mart';

const RANK: Record<Layer, number> = { raw: 0, seed: 0, staging: 1, intermediate: 2, mart: 3 };

export interface Model {
  name: string;
  layer: Exclude<Layer, 'raw' | 'seed'>;
  /** Where it is declared, for errors: a file under pipelines/, or what generated it. */
  origin: string;
  sql: string;
  inputs: string[];
  tests: ModelTest[];
  /** CREATE a VIEW (staging: filters push down into the raw tables) or a TEMP TABLE. */
  materialized: 'view' | 'table';
}

export class ModelGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelGraphError';
  }
}

/** `-- @name value` lines of a model's header (the comment block before the first statement). */
export function headerDirectives(sql: string): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('--')) {
      if (trimmed) break;
      continue;
    }
    const match = /^--\s*@(\w+)\s*(.*)$/.exec(trimmed);
    if (match) out.push({ name: match[1]!, value: match[2]!.trim() });
  }
  return out;
}

export function modelFromFile(name: string, layer: Model['layer'], origin: string, sql: string): Model {
  const directives = headerDirectives(sql);
  const inputs = directives.filter((d) => d.name === 'inputs').flatMap((d) => d.value.split(',').map((s) => s.trim()).filter(Boolean));
  const tests = parseTests(origin, directives.filter((d) => d.name === 'test').map((d) => d.value));
  if (!directives.some((d) => d.name === 'inputs')) throw new ModelGraphError(`${origin}: no "-- @inputs" line naming the relations the model reads`);
  return { name, layer, origin, sql, inputs, tests, materialized: 'table' };
}

/** The SQL with comments and string literals blanked, so only relation names remain to be found. */
function codeOnly(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''").replace(/"([a-z_][a-z0-9_]*)"/g, '$1');
}

/** Every known relation the model's SQL names. */
export function relationsRead(model: Pick<Model, 'sql'>, known: Iterable<string>): string[] {
  const code = codeOnly(model.sql);
  return [...known].filter((name) => new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(code));
}

/**
 * Check the graph and give the run order. `external` maps every relation no model builds
 * (the raw canonical tables, seeds) to its layer.
 */
export function runOrder(models: Model[], external: Map<string, Layer>): Model[] {
  const byName = new Map<string, Model>();
  for (const m of models) {
    if (byName.has(m.name) || external.has(m.name)) throw new ModelGraphError(`${m.origin}: model ${m.name} is declared twice`);
    byName.set(m.name, m);
  }
  const layerOf = (name: string): Layer | undefined => byName.get(name)?.layer ?? external.get(name);
  const known = [...byName.keys(), ...external.keys()];
  for (const m of models) {
    for (const input of m.inputs) {
      const layer = layerOf(input);
      if (!layer) throw new ModelGraphError(`${m.origin}: input ${input} is neither a model nor a table`);
      if (input === m.name) throw new ModelGraphError(`${m.origin}: ${m.name} reads itself`);
      if (layer === 'raw' && m.layer !== 'staging') throw new ModelGraphError(`${m.origin}: ${m.layer} model ${m.name} reads the raw table ${input}; read its staging model`);
      if (m.layer === 'staging' && layer !== 'raw' && layer !== 'staging' && layer !== 'seed') throw new ModelGraphError(`${m.origin}: staging model ${m.name} reads ${layer} ${input}`);
      if (RANK[layer] > RANK[m.layer]) throw new ModelGraphError(`${m.origin}: ${m.layer} model ${m.name} reads ${input}, a layer above it (${layer})`);
    }
    const read = relationsRead(m, known.filter((k) => k !== m.name));
    const undeclared = read.filter((r) => !m.inputs.includes(r));
    if (undeclared.length) throw new ModelGraphError(`${m.origin}: reads ${undeclared.join(', ')} without declaring it in "-- @inputs"`);
    const unread = m.inputs.filter((i) => !read.includes(i));
    if (unread.length) throw new ModelGraphError(`${m.origin}: declares ${unread.join(', ')} in "-- @inputs" but does not read it`);
  }
  // Kahn's algorithm, ties broken by layer then name, so the order is stable.
  const order: Model[] = [];
  const done = new Set<string>();
  const pending = new Set(byName.keys());
  while (pending.size > 0) {
    const ready = [...pending].map((n) => byName.get(n)!)
      .filter((m) => m.inputs.every((i) => external.has(i) || done.has(i)))
      .sort((a, b) => RANK[a.layer] - RANK[b.layer] || a.name.localeCompare(b.name));
    if (ready.length === 0) throw new ModelGraphError(`the models form a cycle: ${cycleAmong([...pending], byName).join(' -> ')}`);
    const next = ready[0]!;
    order.push(next);
    done.add(next.name);
    pending.delete(next.name);
  }
  return order;
}

/** One cycle among models that cannot be ordered, for the error. */
function cycleAmong(names: string[], byName: Map<string, Model>): string[] {
  const stuck = new Set(names);
  let current = names.sort()[0]!;
  const path: string[] = [];
  while (!path.includes(current)) {
    path.push(current);
    current = byName.get(current)!.inputs.find((i) => stuck.has(i))!;
  }
  return [...path.slice(path.indexOf(current)), current].map((n) => `${n} (${byName.get(n)!.origin})`);
}
