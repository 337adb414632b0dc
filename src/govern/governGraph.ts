/**
 * The govern graph: the generated staging models, the generated ID observations, and the SQL
 * files of pipelines/intermediate/ (int_*.sql) and pipelines/marts/ (mart_ + file name), in the
 * order their declared inputs give. Adding a model is adding a file with its `-- @inputs`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINES_DIR } from '../paths.js';
import type { CanonicalSchema } from '../schemas/canonicalSchemas.js';
import { idObservationsModel } from './idObservations.js';
import { modelFromFile, runOrder, type Layer, type Model } from './modelGraph.js';
import type { RolePlayer } from './roles.js';
import { stagingModels } from './staging.js';
import { usccObservationsModel } from './usccObservations.js';

/** Tables govern fills before the models run (dbt's seeds): the stewards' standing decisions. */
export const GOVERN_SEEDS = ['steward_repair_rejections'] as const;

function fileModels(folder: 'intermediate' | 'marts', dir = PIPELINES_DIR): Model[] {
  return readdirSync(join(dir, folder))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const base = f.slice(0, -4);
      const name = folder === 'marts' ? `mart_${base}` : base;
      return modelFromFile(name, folder === 'marts' ? 'mart' : 'intermediate', `pipelines/${folder}/${f}`, readFileSync(join(dir, folder, f), 'utf8'));
    });
}

/** Every govern model in run order; the graph's problems are errors naming the model's file. */
export function governGraph(schemas: CanonicalSchema[], players: RolePlayer[], dir = PIPELINES_DIR, withReferencePeriod: ReadonlySet<string> = new Set()): Model[] {
  const models = [...stagingModels(schemas, players, withReferencePeriod), idObservationsModel(schemas), usccObservationsModel(schemas), ...fileModels('intermediate', dir), ...fileModels('marts', dir)];
  const external = new Map<string, Layer>([
    ...schemas.map((s) => [s.table, 'raw'] as [string, Layer]),
    ...GOVERN_SEEDS.map((s) => [s, 'seed'] as [string, Layer]),
  ]);
  return runOrder(models, external);
}
