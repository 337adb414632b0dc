/**
 * Lineage as dbt docs draw it, read from the declared pipeline: a published field of a mart
 * (pipelines/marts/*.sql) comes from the models its expression names (by their alias), each
 * model from the models and canonical tables it reads (FROM and JOIN), each table from the
 * department datasets whose manifests load it, each dataset from the files of a period. Nothing
 * is written twice: the SQL and the manifests are the only sources.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type LineageKind = 'field' | 'model' | 'table' | 'dataset' | 'file';

export interface LineageNode {
  id: string;
  kind: LineageKind;
  label: string;
  /** For a file: rows read this period. */
  rows?: number;
  /** For a dataset or a file: the connector it belongs to (for the drill-down to its lines). */
  connector?: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: Array<{ from: string; to: string }>;
}

/** ID resolution reads every dataset's ID numbers: a field's lineage passes through it for keys, not for values. */
const KEY_RESOLUTION = /^int_(resolved_ids|id_)/;

const stripComments = (sql: string) => sql.replace(/--[^\n]*/g, '');

/** The top-level items of a SELECT list: split at commas outside (), [] and {}. */
export function selectItems(sql: string): string[] {
  const body = /\bSELECT\b([\s\S]*?)\bFROM\b\s+\w+\s+AS\s+\w+/i.exec(stripComments(sql))?.[1] ?? '';
  const items: string[] = [];
  let depth = 0, current = '';
  for (const c of body) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) { items.push(current.trim()); current = ''; } else current += c;
  }
  if (current.trim()) items.push(current.trim());
  return items;
}

/** Output column name → the aliases its expression reads. */
export function fieldSources(sql: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const item of selectItems(sql)) {
    const named = /\bAS\s+(\w+)\s*$/i.exec(item)?.[1] ?? /^(?:\w+\.)?(\w+)$/.exec(item)?.[1];
    if (!named) continue;
    const aliases = new Set([...item.matchAll(/\b([a-z_][a-z0-9_]*)\.[a-z_]\w*/gi)].map((m) => m[1]!));
    out.set(named, aliases);
  }
  return out;
}

/** Alias → the model or table it names (FROM x AS a, JOIN x AS a). */
export function aliases(sql: string): Map<string, string> {
  return new Map([...stripComments(sql).matchAll(/\b(?:FROM|JOIN)\s+(\w+)\s+AS\s+(\w+)/gi)].map((m) => [m[2]!, m[1]!]));
}

/** Every model or table a model reads. */
export function reads(sql: string): Set<string> {
  return new Set([...stripComments(sql).matchAll(/\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)\b/gi)].map((m) => m[1]!));
}

export interface LineageInputs {
  marts: Map<string, string>;
  models: Map<string, string>;
  /** A model's declared inputs (the govern graph's), read instead of its SQL's FROM and JOIN. */
  inputs?: Map<string, readonly string[]>;
  /** canonical table → the datasets (connector ids) that load it */
  tables: Map<string, string[]>;
  /** connector → this period's files with their rows */
  files: Map<string, Array<{ file: string; rows_read: number }>>;
}

export function readModels(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => [basename(f, '.sql'), readFileSync(join(dir, f), 'utf8')]));
}

/** The whole graph: every mart field down to files. */
export function lineageGraph(input: LineageInputs): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  const edges = new Set<string>();
  const add = (node: LineageNode) => { if (!nodes.has(node.id)) nodes.set(node.id, node); return node.id; };
  const link = (from: string, to: string) => edges.add(`${from}\u0000${to}`);

  const walkModel = (name: string, seen: Set<string>): string => {
    const id = add({ id: `model:${name}`, kind: 'model', label: name });
    if (seen.has(name)) return id;
    seen.add(name);
    for (const source of input.inputs?.get(name) ?? reads(input.models.get(name) ?? input.marts.get(name) ?? '')) {
      if (source === name) continue;
      if (input.models.has(source)) {
        if (KEY_RESOLUTION.test(source)) continue;
        link(walkModel(source, seen), id);
      } else if (input.tables.has(source)) link(walkTable(source), id);
    }
    return id;
  };
  const walkTable = (table: string): string => {
    const id = add({ id: `table:${table}`, kind: 'table', label: table });
    for (const connector of input.tables.get(table) ?? []) {
      const datasetId = add({ id: `dataset:${connector}`, kind: 'dataset', label: connector, connector });
      link(datasetId, id);
      for (const f of input.files.get(connector) ?? []) link(add({ id: `file:${f.file}`, kind: 'file', label: f.file, rows: f.rows_read, connector }), datasetId);
    }
    return id;
  };

  for (const [mart, sql] of input.marts) {
    walkModel(mart, new Set());
    const byAlias = aliases(sql);
    for (const [field, used] of fieldSources(sql)) {
      if (field === 'period' || field === 'provenance' || field === 'conflicts') continue;
      const fieldId = add({ id: `field:${mart}.${field}`, kind: 'field', label: `${mart}.${field}` });
      for (const alias of used) {
        const source = byAlias.get(alias);
        if (!source || KEY_RESOLUTION.test(source)) continue;
        const sourceId = input.models.has(source) ? `model:${source}` : input.tables.has(source) ? walkTable(source) : null;
        if (sourceId && nodes.has(sourceId)) link(sourceId, fieldId);
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges].map((e) => { const [from, to] = e.split('\u0000'); return { from: from!, to: to! }; }) };
}

/** What a node comes from (upstream) and what it feeds (downstream), each as far as it goes. */
export function around(graph: LineageGraph, id: string): LineageGraph {
  const up = new Map<string, string[]>(), down = new Map<string, string[]>();
  for (const e of graph.edges) {
    up.set(e.to, [...(up.get(e.to) ?? []), e.from]);
    down.set(e.from, [...(down.get(e.from) ?? []), e.to]);
  }
  const keep = new Set([id]);
  const walk = (start: string, next: Map<string, string[]>) => {
    const queue = [start];
    while (queue.length) for (const n of next.get(queue.shift()!) ?? []) if (!keep.has(n)) { keep.add(n); queue.push(n); }
  };
  walk(id, up);
  walk(id, down);
  return { nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)) };
}
