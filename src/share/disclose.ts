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

/** Provenance is kept as JSON text (half the memory); each record's is parsed once, when first asked for. */
const parsedProvenance = new WeakMap<ViewRecord, Record<string, unknown>>();

function provenanceOf(record: ViewRecord): Record<string, unknown> {
  let groups = parsedProvenance.get(record);
  if (!groups) {
    groups = record.provenance ? (JSON.parse(record.provenance) as Record<string, unknown>) : {};
    parsedProvenance.set(record, groups);
  }
  return groups;
}

export function disclose(record: ViewRecord, grant: Grant, resource: CatalogResource): Disclosure {
  const data: Record<string, unknown> = {};
  const provenance: Record<string, unknown> = {};
  const groups = provenanceOf(record);
  for (const [name, access] of Object.entries(grant.fields)) {
    const field = resource.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = record[name] ?? null;
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
