/**
 * The canonical schemas (schemas/canonical/*.json): what each dataset means, field by field,
 * whatever layout a department sends it in. Loaded once, compiled with ajv, and turned into
 * table columns and check rules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from '../paths.js';

export type FieldFormat = 'date' | 'year-month' | 'cn-resident-id' | 'cn-uscc' | 'cn-disability-certificate';

export interface CanonicalField {
  name: string;
  type: 'string' | 'number' | 'integer';
  format?: FieldFormat;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  description: string;
  authority: string;
  references?: { schema: string; field: string; severity?: 'error' | 'warn' };
  freshness?: boolean;
  /** The layout is the department's own (x-department-defined): a manifest may declare it. */
  departmentDefined?: boolean;
  required: boolean;
}

export interface CanonicalSchema {
  name: string;
  id: string;
  title: string;
  description: string;
  table: string;
  key: string[];
  authority: string;
  fields: CanonicalField[];
  json: Record<string, unknown>;
}

/** A field as written in the schema file: the JSON Schema keywords, and our annotations under x-. */
type RawProperty = Omit<CanonicalField, 'name' | 'description' | 'authority' | 'references' | 'freshness' | 'required'> & {
  description?: string;
  'x-authority'?: string;
  'x-references'?: CanonicalField['references'];
  'x-freshness'?: boolean;
  'x-department-defined'?: boolean;
};

const KNOWN_FORMATS: FieldFormat[] = ['date', 'year-month', 'cn-resident-id', 'cn-uscc', 'cn-disability-certificate'];

/** An ajv instance that knows the exchange's formats and x- annotations, for validating schemas themselves. */
export function schemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const keyword of ['x-table', 'x-key', 'x-authority', 'x-references', 'x-freshness', 'x-department-defined']) ajv.addKeyword(keyword);
  for (const format of KNOWN_FORMATS) ajv.addFormat(format, true);
  return ajv;
}

function toSchema(name: string, json: Record<string, unknown>): CanonicalSchema {
  const properties = json.properties as Record<string, RawProperty>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  const fields = Object.entries(properties).map(([fieldName, p]): CanonicalField => {
    if (p.format && !KNOWN_FORMATS.includes(p.format)) throw new Error(`schemas/canonical/${name}.json: field ${fieldName} has unknown format ${p.format}`);
    return {
      name: fieldName,
      type: p.type,
      format: p.format,
      enum: p.enum,
      pattern: p.pattern,
      minLength: p.minLength,
      maxLength: p.maxLength,
      minimum: p.minimum,
      maximum: p.maximum,
      description: p.description ?? '',
      authority: p['x-authority'] ?? (json['x-authority'] as string),
      references: p['x-references'],
      freshness: p['x-freshness'],
      departmentDefined: p['x-department-defined'],
      required: required.has(fieldName),
    };
  });
  return {
    name,
    id: json.$id as string,
    title: json.title as string,
    description: json.description as string,
    table: json['x-table'] as string,
    key: json['x-key'] as string[],
    authority: json['x-authority'] as string,
    fields,
    json,
  };
}

let cache: Map<string, CanonicalSchema> | undefined;

/** Every canonical schema by name (the file name without .json), validated as JSON Schema 2020-12. */
export function loadCanonicalSchemas(dir = join(SCHEMAS_DIR, 'canonical')): Map<string, CanonicalSchema> {
  if (cache && dir === join(SCHEMAS_DIR, 'canonical')) return cache;
  const ajv = schemaAjv();
  const schemas = new Map<string, CanonicalSchema>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    try {
      ajv.compile(json);
    } catch (error) {
      throw new Error(`schemas/canonical/${file}: ${(error as Error).message}`);
    }
    schemas.set(file.replace(/\.json$/, ''), toSchema(file.replace(/\.json$/, ''), json));
  }
  if (dir === join(SCHEMAS_DIR, 'canonical')) cache = schemas;
  return schemas;
}

/** The DuckDB column type a canonical field is stored as. */
export function sqlType(field: CanonicalField): string {
  if (field.type === 'number') return 'DECIMAL(18,2)';
  if (field.type === 'integer') return 'INTEGER';
  if (field.format === 'date') return 'DATE';
  return 'VARCHAR';
}

/** Identifier fields keep the value as sent beside the normalised one, for lineage and repair. */
export function keepsOriginal(field: CanonicalField): boolean {
  return field.format === 'cn-resident-id' || field.format === 'cn-uscc' || field.format === 'cn-disability-certificate';
}
