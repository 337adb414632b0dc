/**
 * The department registry (schemas/departments.json): each department's code, its own name and
 * its kind. A kind is what the canonical schemas' `x-authority` names, so authority is declared
 * once for every city and a city's own department codes are mapped to kinds here, not in code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../paths.js';
import type { Connector } from '../connectors/manifest.js';

export interface Department {
  code: string;
  name: string;
  kind: string;
}

export interface DepartmentRegistry {
  file: string;
  kinds: Map<string, string>;
  departments: Map<string, Department>;
}

export class UnknownDepartmentError extends Error {
  constructor(readonly manifestFile: string, readonly department: string, registryFile: string) {
    super(`${manifestFile}: /department: "${department}" is not in the department registry (${registryFile}); add {"code": "${department}", "name": ..., "kind": ...} there`);
    this.name = 'UnknownDepartmentError';
  }
}

const cache = new Map<string, DepartmentRegistry>();

export function loadDepartments(file = join(SCHEMAS_DIR, 'departments.json')): DepartmentRegistry {
  const cached = cache.get(file);
  if (cached) return cached;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { kinds?: Record<string, string>; departments?: Department[] };
  const shown = file.startsWith(SCHEMAS_DIR) ? `schemas/${file.slice(SCHEMAS_DIR.length + 1)}` : file;
  const kinds = new Map(Object.entries(json.kinds ?? {}));
  const departments = new Map<string, Department>();
  for (const [i, d] of (json.departments ?? []).entries()) {
    if (typeof d.code !== 'string' || typeof d.name !== 'string' || typeof d.kind !== 'string') {
      throw new Error(`${shown}: /departments/${i}: a department needs a code, a name and a kind`);
    }
    if (!kinds.has(d.kind)) throw new Error(`${shown}: /departments/${i}/kind: "${d.kind}" is not one of ${[...kinds.keys()].join(', ')}`);
    if (departments.has(d.code)) throw new Error(`${shown}: /departments/${i}/code: "${d.code}" is listed twice`);
    departments.set(d.code, d);
  }
  const registry = { file: shown, kinds, departments };
  cache.set(file, registry);
  return registry;
}

/** The registered department a connector's manifest names; an unknown one is an error naming the manifest. */
export function departmentOf(connector: Pick<Connector, 'department' | 'manifestFile'>, registry = loadDepartments()): Department {
  const department = registry.departments.get(connector.department);
  if (!department) throw new UnknownDepartmentError(connector.manifestFile, connector.department, registry.file);
  return department;
}
