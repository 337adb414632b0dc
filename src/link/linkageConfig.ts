/**
 * The linkage configuration (schemas/linkage-config.schema.json): read, validated with ajv,
 * and given its defaults, so that the rest of the engine never meets a missing option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../paths.js';
import type { Encoding } from '../connectors/manifest.js';

export type TextLevel =
  | { jaro_winkler: number }
  | { jaccard: number }
  | { levenshtein: number }
  | { damerau_levenshtein: number }
  | { token_set: true };

interface ComparisonBase { column: string; name?: string; term_frequency?: boolean }
export type ComparisonConfig =
  | (ComparisonBase & { kind: 'exact' })
  | (ComparisonBase & { kind: 'text'; levels?: TextLevel[] })
  | (ComparisonBase & { kind: 'date'; formats?: string[]; within_days?: number[] })
  | (ComparisonBase & { kind: 'number'; within?: number[] })
  | (ComparisonBase & { kind: 'resident_id' })
  | (ComparisonBase & { kind: 'chinese_name' });

export type BlockingTransform = 'prefix' | 'suffix' | 'pinyin' | 'name_initials' | 'surname' | 'id_birth_date' | 'date' | 'date_year_month';
export interface BlockingKey { column: string; transform?: BlockingTransform; length?: number }
export type BlockingRule = BlockingKey[];

export interface LinkageConfig {
  idColumn: string;
  input: { format?: 'csv' | 'parquet'; delimiter: string; encoding: Encoding; missingValues: string[] };
  comparisons: ComparisonConfig[];
  blockingRules: BlockingRule[];
  training: { blockingRules: BlockingRule[]; randomPairs: number; maxPairsPerRule: number; maxIterations: number; seed: number };
  threshold: number;
}

export class LinkageConfigError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'LinkageConfigError';
  }
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate(json: unknown): ErrorObject[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'linkage-config.schema.json'), 'utf8')) as object;
    validator = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  }
  return validator(json) ? [] : (validator.errors ?? []);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : error.keyword === 'enum' ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

interface RawConfig {
  id_column: string;
  input?: { format?: 'csv' | 'parquet'; delimiter?: string; encoding?: Encoding; missing_values?: string[] };
  comparisons: ComparisonConfig[];
  blocking_rules: (string | BlockingKey)[][];
  training?: { blocking_rules?: (string | BlockingKey)[][]; random_pairs?: number; max_pairs_per_rule?: number; max_iterations?: number; seed?: number };
  threshold?: number;
}

const rule = (keys: (string | BlockingKey)[]): BlockingRule => keys.map((k) => (typeof k === 'string' ? { column: k } : k));

/** A comparison's name: as configured, else its column when that is a plain identifier. */
export function comparisonName(comparison: ComparisonConfig): string {
  return comparison.name ?? comparison.column;
}

export function parseLinkageConfig(json: unknown, file = 'linkage config'): LinkageConfig {
  const errors = validate(json);
  // if/then branches repeat the same complaint; one line per place and message is enough.
  if (errors.length) throw new LinkageConfigError(file, [...new Set(errors.filter((e) => e.keyword !== 'if').map(describe))].join('; '));
  const raw = json as RawConfig;
  const names = new Set<string>();
  for (const c of raw.comparisons) {
    const name = comparisonName(c);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new LinkageConfigError(file, `comparison of column "${c.column}" needs a "name" of letters, digits and underscores`);
    if (names.has(name)) throw new LinkageConfigError(file, `two comparisons are named "${name}"`);
    names.add(name);
  }
  for (const keys of [...raw.blocking_rules, ...(raw.training?.blocking_rules ?? [])]) {
    for (const key of rule(keys)) {
      if ((key.transform === 'prefix' || key.transform === 'suffix') && !key.length) throw new LinkageConfigError(file, `blocking key on "${key.column}" with transform ${key.transform} needs a length`);
    }
  }
  const blockingRules = raw.blocking_rules.map(rule);
  return {
    idColumn: raw.id_column,
    input: {
      format: raw.input?.format,
      delimiter: raw.input?.delimiter ?? ',',
      encoding: raw.input?.encoding ?? 'utf-8',
      missingValues: raw.input?.missing_values ?? [],
    },
    comparisons: raw.comparisons,
    blockingRules,
    training: {
      blockingRules: raw.training?.blocking_rules?.map(rule) ?? blockingRules,
      randomPairs: raw.training?.random_pairs ?? 400_000,
      maxPairsPerRule: raw.training?.max_pairs_per_rule ?? 1_000_000,
      maxIterations: raw.training?.max_iterations ?? 100,
      seed: raw.training?.seed ?? 1,
    },
    threshold: raw.threshold ?? 0.9,
  };
}

export function loadLinkageConfig(path: string): LinkageConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LinkageConfigError(path, `cannot be read as JSON: ${(error as Error).message}`);
  }
  return parseLinkageConfig(json, path);
}

/** Every input column the configuration reads. */
export function configuredColumns(config: LinkageConfig): string[] {
  const columns = new Set<string>([config.idColumn]);
  for (const c of config.comparisons) columns.add(c.column);
  for (const r of [...config.blockingRules, ...config.training.blockingRules]) for (const k of r) columns.add(k.column);
  return [...columns];
}
