/**
 * The cross-check rules: one SQL file per rule in pipelines/crosschecks/ (adding a rule is
 * adding a file), run after the models in pipelines/crosschecks/models/. Rules read only the
 * governed layer of the period (the views and the govern snapshots), never raw department rows.
 * A rule names the roles it needs in its header (`-- @roles pension-payments`): the datasets
 * that must have been governed for its findings to mean anything.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINES_DIR } from '../paths.js';
import { readPipelineSql } from '../store/warehouse.js';
import { readFileSync } from 'node:fs';
import { headerDirectives } from '../govern/modelGraph.js';

export interface SqlFile {
  name: string;
  /** pipelines/… path, for errors. */
  file: string;
  sql: string;
  roles: string[];
}

function sqlFiles(folder: string): SqlFile[] {
  return readdirSync(join(PIPELINES_DIR, folder))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(PIPELINES_DIR, folder, f), 'utf8');
      const roles = headerDirectives(text).filter((d) => d.name === 'roles').flatMap((d) => d.value.split(',').map((r) => r.trim()).filter(Boolean));
      return { name: f.slice(0, -4), file: `pipelines/${folder}/${f}`, sql: readPipelineSql(`${folder}/${f}`).join(';\n'), roles };
    });
}

/** Temporary models the rules share (xc_*), in name order. */
export function crossCheckModels(): SqlFile[] {
  return sqlFiles('crosschecks/models');
}

export function crossCheckRules(): SqlFile[] {
  return sqlFiles('crosschecks');
}
