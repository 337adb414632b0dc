/**
 * What a grant discloses of a record: exactly the granted fields, masked where the grant says,
 * with the provenance of each (the source group it came from, and each group's department, batch,
 * file, line and date). Nothing else leaves.
 *
 * A disclosure is written as UTF-8 JSON straight from the serving structure (jsonBytes.ts): which
 * columns, masks and provenance groups a grant shows is worked out once per grant and view (a plan),
 * and each record then costs a few byte copies; provenance groups are copied in as the JSON they
 * are stored as. The plan is the only place that decides what leaves, and a property test holds every
 * response to its grant.
 */
import type { Grant } from './accessStore.js';
import type { CatalogResource, MaskKind } from './catalog.js';
import { PROVENANCE_PREFIX, type ColumnReader, type ColumnView } from './columnView.js';
import type { JsonBytes } from './jsonBytes.js';
import { mask } from './masks.js';

const bytesOf = (json: string): Buffer => Buffer.from(json, 'utf8');

interface PlannedField {
  name: string;
  /** `"name":`, ready to copy. */
  key: Buffer;
  mask: MaskKind | null;
  /** The view's column, or undefined when the view has none (the field is then null). */
  column: ColumnReader | undefined;
}

interface PlannedSource {
  /** `"group":`, ready to copy. */
  key: Buffer;
  /** The view's column holding the group's provenance, or undefined when the view has none. */
  column: ColumnReader | undefined;
  /** The provenance given when the group is missing or empty. */
  fallback: Buffer;
}

export interface DisclosurePlan {
  /** The fields a disclosure under this grant holds, in the grant's order (frozen: the audit writes its JSON once). */
  fields: readonly string[];
  planned: PlannedField[];
  /** `"provenance":{field: group, …}`: the same for every record under the grant. */
  provenance: Buffer;
  sources: PlannedSource[];
}

/** Plans by served view, then grant, then resource: a view's plans go when the view is no longer served. */
const plans = new WeakMap<ColumnView, WeakMap<Grant, Map<string, DisclosurePlan>>>();

function makePlan(grant: Grant, resource: CatalogResource, view: ColumnView): DisclosurePlan {
  const planned: PlannedField[] = [];
  const fieldGroups: Record<string, string> = {};
  const sources = new Map<string, PlannedSource>();
  for (const [name, access] of Object.entries(grant.fields)) {
    const field = resource.fields.find((f) => f.name === name);
    if (!field) continue;
    planned.push({ name, key: bytesOf(`${JSON.stringify(name)}:`), mask: access === 'masked' && field.mask ? field.mask : null, column: view.column(name) });
    const group = field.group;
    if (!group) continue;
    fieldGroups[name] = group;
    const column = `${PROVENANCE_PREFIX}${group}`;
    if (!sources.has(group)) {
      sources.set(group, {
        key: bytesOf(`${JSON.stringify(group)}:`),
        column: view.column(column),
        // No provenance for a group: no department holds such a record (both views carry every group the catalog names).
        fallback: bytesOf('null'),
      });
    }
  }
  return { fields: Object.freeze(planned.map((p) => p.name)), planned, provenance: bytesOf(`"provenance":${JSON.stringify(fieldGroups)}`), sources: [...sources.values()] };
}

/**
 * The plan of a grant over a resource's view, made once per grant and served view (grants are
 * replaced, never changed, when the store is re-read; a published period brings a new view).
 */
export function disclosurePlan(grant: Grant, resource: CatalogResource, view: ColumnView): DisclosurePlan {
  let byGrant = plans.get(view);
  if (!byGrant) plans.set(view, (byGrant = new WeakMap()));
  let byResource = byGrant.get(grant);
  if (!byResource) byGrant.set(grant, (byResource = new Map()));
  let plan = byResource.get(resource.id);
  if (!plan) byResource.set(resource.id, (plan = makePlan(grant, resource, view)));
  return plan;
}

/**
 * The granted fields of one row, written into an answer as `"data":{…},"provenance":{…},"sources":{…}`:
 * `provenance` names each field's source group, and `sources` gives each group once (department,
 * batch, file, line, date), rather than repeating it for every field of the group.
 */
export function discloseInto(out: JsonBytes, row: number, plan: DisclosurePlan): void {
  out.ascii('"data":{');
  let first = true;
  for (const field of plan.planned) {
    if (!first) out.ascii(',');
    first = false;
    out.raw(field.key);
    if (!field.column) out.ascii('null');
    else if (field.mask) out.text(JSON.stringify(mask(field.mask, field.column.value(row)) ?? null));
    else field.column.writeJson(row, out);
  }
  out.ascii('},');
  out.raw(plan.provenance);
  out.ascii(',"sources":{');
  first = true;
  for (const source of plan.sources) {
    if (!first) out.ascii(',');
    first = false;
    out.raw(source.key);
    if (source.column && !source.column.isNull(row)) source.column.writeJson(row, out);
    else out.raw(source.fallback);
  }
  out.ascii('}');
}

/** Reads one field of a row, for the yes/no questions. */
export type FieldReader = (field: string) => unknown;

/** Yes/no questions that disclose nothing else. */
export const PERSON_QUESTIONS: Record<string, (r: FieldReader) => boolean> = {
  alive: (r) => r('deceased') !== true,
  registered_locally: (r) => r('register_status') === 'normal' && r('deceased') !== true,
  disability_certificate: (r) => r('disability_certificate_valid') === true,
  owns_property: (r) => Number(r('property_count') ?? 0) > 0,
};

export const ENTITY_QUESTIONS: Record<string, (r: FieldReader) => boolean> = {
  active: (r) => r('business_status') === 'active',
  owns_property: (r) => Number(r('property_count') ?? 0) > 0,
};
