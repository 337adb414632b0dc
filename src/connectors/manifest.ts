/**
 * Connector manifests (connectors/<department>/<dataset>.json): a department dataset declared,
 * not coded. Loading one validates it against schemas/connector.schema.json and against the
 * canonical schema it maps to, and resolves how each field is read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { CONNECTORS_DIR, PROJECT_ROOT, SCHEMAS_DIR } from '../paths.js';
import { loadCanonicalSchemas, type CanonicalField, type CanonicalSchema } from '../schemas/canonicalSchemas.js';
import { parseKindFor, strptimeFormats, type ParseKind } from './parseKinds.js';
import { derivationColumns, resolveDerivation, type Derivation, type DerivationDeclaration } from './fieldDerivation.js';
import { resolveRowFilter, type RowFilter, type RowFilterDeclaration } from './rowFilter.js';
import { resolveReferencePeriod, type ReferencePeriod, type ReferencePeriodDeclaration } from './referencePeriod.js';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'gbk';
export type SourceFormat = 'csv' | 'jsonl' | 'parquet';

export interface RuleOverride {
  enabled?: boolean;
  severity?: 'error' | 'warn';
  warnAbove?: number;
  errorAbove?: number;
}

export interface ManifestFieldMapping extends DerivationDeclaration {
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
  source: { glob: string; format: SourceFormat; encoding?: Encoding; delimiter?: string; quote?: string; maxLineBytes?: number };
  nullTokens?: string[];
  filter?: RowFilterDeclaration;
  referencePeriod?: ReferencePeriodDeclaration;
  delivery?: { allowEmpty?: boolean; control?: ControlDeclaration };
  fields: Record<string, ManifestFieldMapping>;
  checks?: Record<string, RuleOverride>;
  freshness?: { field: string; maxLagMonths?: number };
}

/** The department's declared totals (校核) and where they are. */
export interface ControlDeclaration {
  glob?: string;
  rows?: string;
  sums?: Record<string, string>;
  required?: boolean;
}

/** How one canonical field is filled from a department's row. */
export interface FieldReader {
  field: CanonicalField;
  column?: string;
  value?: string;
  parse: ParseKind;
  /** strptime layouts for date and month fields. */
  formats: string[];
  /** The manifest's names of those layouts (YYYYMMDD, ...), for reasons a steward reads. */
  layouts: string[];
  /** Every department column the field reads (its column, a template's, a hash's, when's). */
  columns: string[];
  derivation: Derivation;
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
  source: { glob: string; format: SourceFormat; encoding: Encoding; delimiter: string; quote: string; maxLineBytes: number };
  readers: FieldReader[];
  filter?: RowFilter;
  referencePeriod: ReferencePeriod;
  delivery: { allowEmpty: boolean; control?: ControlDeclaration };
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

const FIELD_CONSTRUCTS = 'column, value, template, surrogate, parse, formats, codes, when, nullTokens, clean, slice, extract, lookup, pattern';

function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  if (error.keyword === 'additionalProperties') {
    const known = /^\/fields\/[^/]+$/.test(where) ? ` (a field takes: ${FIELD_CONSTRUCTS})` : '';
    return `${where}: unknown property "${String(error.params.additionalProperty)}"${known}`;
  }
  if (error.keyword === 'oneOf' && /^\/fields\/[^/]+$/.test(where)) return `${where}: give exactly one of column, value, template or surrogate`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** One line per problem: the branches of a failed oneOf are summed up by the oneOf itself. */
function describeAjvErrors(errors: ErrorObject[]): string[] {
  const oneOfAt = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => !(oneOfAt.has(e.instancePath) && e.keyword !== 'oneOf' && e.keyword !== 'additionalProperties' && e.schemaPath.includes('/oneOf/')));
  return [...new Set(kept.map(describeAjvError))];
}

function resolveReader(name: string, mapping: ManifestFieldMapping, field: CanonicalField, manifest: Manifest, baseDir: string | undefined, problems: string[]): FieldReader {
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
  const derivation = resolveDerivation(name, mapping, field, manifest.nullTokens, baseDir, problems);
  if (mapping.value !== undefined && (mapping.clean || mapping.slice || mapping.extract || mapping.lookup || mapping.nullTokens)) {
    problems.push(`/fields/${name}: a constant "value" takes no clean, slice, extract, lookup or nullTokens`);
  }
  const columns = [...new Set([mapping.column, ...derivationColumns(derivation), mapping.when?.column].filter((c): c is string => c !== undefined))];
  return {
    field,
    column: mapping.column,
    value: mapping.value,
    parse,
    formats,
    layouts: mapping.formats ?? [],
    columns,
    derivation,
    codes,
    when: mapping.when ? { column: mapping.when.column, equals: [mapping.when.equals].flat() } : undefined,
  };
}

/** Validate a parsed manifest; `manifestFile` names it in every error. */
/** `baseDir` is the manifest's folder, where its lookup files are. */
export function connectorFromManifest(json: unknown, manifestFile: string, schemas = loadCanonicalSchemas(), baseDir?: string): Connector {
  const validate = manifestValidator();
  if (!validate(json)) throw new ManifestError(manifestFile, describeAjvErrors(validate.errors ?? []));
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
    readers.push(resolveReader(name, mapping, field, manifest, baseDir, problems));
  }
  for (const field of schema.fields) {
    if (field.required && !manifest.fields[field.name]) problems.push(`/fields: required field "${field.name}" of "${manifest.schema}" is not mapped`);
  }
  if (manifest.freshness) {
    const f = schema.fields.find((x) => x.name === manifest.freshness!.field);
    if (!f || (f.format !== 'date' && f.format !== 'year-month')) problems.push(`/freshness/field: "${manifest.freshness.field}" is not a date or month field of "${manifest.schema}"`);
  }
  if (manifest.source.format === 'parquet' && manifest.source.encoding) problems.push('/source/encoding: parquet files carry their own encoding');
  const filter = resolveRowFilter(manifest.filter, problems);
  const referencePeriod = resolveReferencePeriod(manifest.referencePeriod, schema, new Set(readers.map((r) => r.field.name)), problems);
  for (const [sumField] of Object.entries(manifest.delivery?.control?.sums ?? {})) {
    const f = readers.find((r) => r.field.name === sumField)?.field;
    if (!f || f.type !== 'number') problems.push(`/delivery/control/sums/${sumField}: not a mapped amount field of "${manifest.schema}"`);
  }
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
      maxLineBytes: manifest.source.maxLineBytes ?? 1024 * 1024,
    },
    readers,
    filter,
    referencePeriod,
    delivery: { allowEmpty: manifest.delivery?.allowEmpty ?? false, control: manifest.delivery?.control },
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
  return connectorFromManifest(json, shown, undefined, dirname(path));
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
