/** The catalogue of shared resources (schemas/catalog.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../paths.js';

export type SharingType = 'unconditional' | 'conditional' | 'not_shared';
export type MaskKind = 'id' | 'name' | 'year' | 'district';

export interface CatalogField {
  name: string;
  group?: string;
  mask?: MaskKind;
  description: string;
}

export interface CatalogResource {
  id: string;
  title: string;
  provider: string;
  providerName: string;
  sharing: SharingType;
  legalBasis?: string;
  updateCycle: string;
  key: string;
  view?: 'population' | 'legal_entity';
  fields: CatalogField[];
}

let cache: CatalogResource[] | undefined;

export function loadCatalog(): CatalogResource[] {
  cache ??= (JSON.parse(readFileSync(join(SCHEMAS_DIR, 'catalog.json'), 'utf8')) as { resources: CatalogResource[] }).resources;
  return cache;
}

export function catalogResource(id: string): CatalogResource | undefined {
  return loadCatalog().find((r) => r.id === id);
}
