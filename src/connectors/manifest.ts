/**
 * Connector manifests (connectors/<department>/<dataset>.json): a department dataset declared,
 * not coded. Loading one validates it against schemas/connector.schema.json and against the
 * canonical schema it maps to, and resolves how each field is read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { CONNECTORS_DIR, PROJECT_ROOT, SCHEMAS_DIR } from '../paths.js';
import { loadCanonicalSchemas, type CanonicalField, type CanonicalSchema } from '../schemas/canonicalSchemas.js';
import { parseKindFor, strptimeFormats, type ParseKind } from './parseKinds.js';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'gbk';
export type SourceFormat = 'csv' | 'jsonl' | 'parquet';

export interface RuleOverride {
  enabled?: boolean;
  severity?: 'error' | 'warn';
  warnAbove?: number;
  errorAbove?: number;
}

export interface ManifestFieldMapping {
  column?: string;
  value?: string;
  parse?: ParseKind;
  formats?: string[];
  codes?: Record<string, string>;
  when?: { column: string; equals: string | string[] };
}

export interface Manifest {
  department: string;
  departmentName?: string;
  dataset: string;
  title?: string;
  description?: string;
  schema: string;
  updateCycle?: string;
  due?: { dayOfMonth: number };
  source: { glob: string; format: SourceFormat; encoding?: Encoding; delimiter?: string; quote?: string };
  fields: Record<string, ManifestFieldMapping>;
  checks?: Record<string, RuleOverride>;
  freshness?: { field: string; maxLagMonths?: number };
}

/** How one canonical field is filled from a department's row. */
export interface FieldReader {
  field: CanonicalField;
  column?: string;
  value?: string;
  parse: ParseKind;
  /** strptime layouts for date and month fields. */
  formats: string[];
  codes?: Record<string, string>;
  when?: { column: string; equals: string[] };
}

export interface Connector {
  /** department/dataset */
  id: string;
  manifestFile: string;
  manifest: Manifest;
  department: string;
  dataset: string;
  schema: CanonicalSchema;
  source: { glob: string; format: SourceFormat; encoding: Encoding; delimiter: string; quote: string };
  readers: FieldReader[];
  checks: Record<string, RuleOverride>;
  freshness?: { field: string; maxLagMonths: number };
  dueDay?: number;
}

export class ManifestError extends Error {
  constructor(readonly manifestFile: string, readonly problems: string[]) {
    super(`${manifestFile}: ${problems.join('; ')}`);
    this.name = 'ManifestError';
  }
}

let validateManifestJson: ReturnType<Ajv2020['compile']> | undefined;

function manifestValidator(): ReturnType<Ajv2020['compile']> {
  if (!validateManifestJson) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'connector.schema.json'), 'utf8')) as object;
    validateManifestJson = ajv.compile(schema);
  }
  return validateManifestJson;
}

function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  if (error.keyword === 'additionalProperties') return `${where}: unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

function resolveReader(name: string, mapping: ManifestFieldMapping, field: CanonicalField, problems: string[]): FieldReader {
  const parse = mapping.parse ?? parseKindFor(field, mapping);
  const formats = strptimeFormats(parse, mapping.formats);
  if (mapping.formats && parse !== 'date' && parse !== 'month') problems.push(`/fields/${name}: "formats" applies to date and month fields only`);
  if (mapping.formats && formats.length !== mapping.formats.length) problems.push(`/fields/${name}: formats ${mapping.formats.join(', ')} do not all fit a ${parse} field`);
  if (parse === 'code' && !mapping.codes) problems.push(`/fields/${name}: a code field needs "codes" mapping the department's labels`);
  if (mapping.codes && field.enum) {
    for (const [label, code] of Object.entries(mapping.codes)) {
      if (!field.enum.includes(code)) problems.push(`/fields/${name}/codes/${label}: "${code}" is not one of ${field.enum.join(', ')}`);
    }
  }
  if (mapping.value !== undefined && field.enum && !field.enum.includes(mapping.value)) {
    problems.push(`/fields/${name}/value: "${mapping.value}" is not one of ${field.enum.join(', ')}`);
  }
  const codes = mapping.codes && field.enum ? { ...Object.fromEntries(field.enum.map((c) => [c, c])), ...mapping.codes } : mapping.codes;
  return {
    field,
    column: mapping.column,
    value: mapping.value,
    parse,
    formats,
    codes,
    when: mapping.when ? { column: mapping.when.column, equals: [mapping.when.equals].flat() } : undefined,
  };
}

/** Validate a parsed manifest; `manifestFile` names it in every error. */
export function connectorFromManifest(json: unknown, manifestFile: string, schemas = loadCanonicalSchemas()): Connector {
  const validate = manifestValidator();
  if (!validate(json)) throw new ManifestError(manifestFile, (validate.errors ?? []).map(describeAjvError));
  const manifest = json as Manifest;
  const problems: string[] = [];
  const schema = schemas.get(manifest.schema);
  if (!schema) throw new ManifestError(manifestFile, [`/schema: no canonical schema "${manifest.schema}" (have: ${[...schemas.keys()].join(', ')})`]);
  const readers: FieldReader[] = [];
  for (const [name, mapping] of Object.entries(manifest.fields)) {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) {
      problems.push(`/fields/${name}: "${manifest.schema}" has no field "${name}"`);
      continue;
    }
    readers.push(resolveReader(name, mapping, field, problems));
  }
  for (const field of schema.fields) {
    if (field.required && !manifest.fields[field.name]) problems.push(`/fields: required field "${field.name}" of "${manifest.schema}" is not mapped`);
  }
  if (manifest.freshness) {
    const f = schema.fields.find((x) => x.name === manifest.freshness!.field);
    if (!f || (f.format !== 'date' && f.format !== 'year-month')) problems.push(`/freshness/field: "${manifest.freshness.field}" is not a date or month field of "${manifest.schema}"`);
  }
  if (manifest.source.format === 'parquet' && manifest.source.encoding) problems.push('/source/encoding: parquet files carry their own encoding');
  if (problems.length > 0) throw new ManifestError(manifestFile, problems);
  const freshnessField = manifest.freshness?.field ?? schema.fields.find((f) => f.freshness)?.name;
  return {
    id: `${manifest.department}/${manifest.dataset}`,
    manifestFile,
    manifest,
    department: manifest.department,
    dataset: manifest.dataset,
    schema,
    source: {
      glob: manifest.source.glob,
      format: manifest.source.format,
      encoding: manifest.source.encoding ?? 'utf-8',
      delimiter: manifest.source.delimiter ?? ',',
      quote: manifest.source.quote ?? '"',
    },
    readers,
    checks: manifest.checks ?? {},
    freshness: freshnessField ? { field: freshnessField, maxLagMonths: manifest.freshness?.maxLagMonths ?? 0 } : undefined,
    dueDay: manifest.due?.dayOfMonth,
  };
}

export function loadConnector(path: string): Connector {
  const shown = relative(PROJECT_ROOT, path).startsWith('..') ? path : relative(PROJECT_ROOT, path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ManifestError(shown, [`not valid JSON: ${(error as Error).message}`]);
  }
  return connectorFromManifest(json, shown);
}

function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return manifestFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

/** A manifest that could not be loaded: its connector is reported failed, the others run. */
export interface BrokenManifest {
  /** department/dataset, from the manifest's path. */
  id: string;
  manifestFile: string;
  error: string;
}

export interface ConnectorSet {
  connectors: Connector[];
  broken: BrokenManifest[];
}

/** Every connector under `dir` (default connectors/), sorted by id; broken manifests set apart. */
export function loadConnectorSet(dir = CONNECTORS_DIR): ConnectorSet {
  const connectors: Connector[] = [];
  const broken: BrokenManifest[] = [];
  const seen = new Map<string, string>();
  for (const path of manifestFiles(dir)) {
    const id = relative(dir, path).replace(/\.json$/, '').split(/[\\/]/).join('/');
    try {
      const connector = loadConnector(path);
      const other = seen.get(connector.id);
      if (other) throw new ManifestError(connector.manifestFile, [`connector ${connector.id} is also declared in ${other}`]);
      seen.set(connector.id, connector.manifestFile);
      connectors.push(connector);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      broken.push({ id, manifestFile: error.manifestFile, error: error.message });
    }
  }
  return { connectors: connectors.sort((a, b) => a.id.localeCompare(b.id)), broken };
}

/** Every connector under `dir`; throws on the first broken manifest. */
export function loadConnectors(dir = CONNECTORS_DIR): Connector[] {
  const set = loadConnectorSet(dir);
  if (set.broken.length > 0) throw new Error(set.broken.map((b) => b.error).join('\n'));
  return set.connectors;
}
