/**
 * What a grant discloses of a record: exactly the granted fields, masked where the grant says,
 * with the provenance of each. Nothing else leaves.
 */
import type { Grant } from './accessStore.js';
import type { CatalogResource } from './catalog.js';
import { mask } from './masks.js';
import type { ViewRecord } from './servingSnapshot.js';

export interface Disclosure {
  data: Record<string, unknown>;
  provenance: Record<string, unknown>;
  fields: string[];
}

/** The department answering for a field when the view has no provenance group for it. */
const GROUP_DEPARTMENT: Record<string, string> = { property: 'real-estate' };

/** Provenance is kept as JSON text, parsed only for a disclosure that needs it. */
function provenanceOf(record: ViewRecord): Record<string, unknown> {
  return record.provenance ? (JSON.parse(record.provenance) as Record<string, unknown>) : {};
}

/** A plain JSON value: lists arrive from the serving structure as Arrow vectors. */
export function plainValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && Symbol.iterator in value ? [...(value as Iterable<unknown>)] : value ?? null;
}

export function disclose(record: ViewRecord, grant: Grant, resource: CatalogResource): Disclosure {
  const data: Record<string, unknown> = {};
  const provenance: Record<string, unknown> = {};
  const groups = resource.fields.some((f) => f.group && grant.fields[f.name]) ? provenanceOf(record) : {};
  for (const [name, access] of Object.entries(grant.fields)) {
    const field = resource.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = plainValue(record[name]);
    data[name] = access === 'masked' && field.mask ? mask(field.mask, value) : value;
    if (field.group) provenance[name] = groups[field.group] ?? (GROUP_DEPARTMENT[field.group] ? { department: GROUP_DEPARTMENT[field.group] } : null);
  }
  return { data, provenance, fields: Object.keys(data) };
}

/** Yes/no questions that disclose nothing else. */
export const PERSON_QUESTIONS: Record<string, (r: ViewRecord) => boolean> = {
  alive: (r) => r.deceased !== true,
  registered_locally: (r) => r.register_status === 'normal' && r.deceased !== true,
  disability_certificate: (r) => r.disability_certificate_valid === true,
  owns_property: (r) => Number(r.property_count ?? 0) > 0,
};

export const ENTITY_QUESTIONS: Record<string, (r: ViewRecord) => boolean> = {
  active: (r) => r.business_status === 'active',
  owns_property: (r) => Number(r.property_count ?? 0) > 0,
};
