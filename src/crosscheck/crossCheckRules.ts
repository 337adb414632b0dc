/**
 * The cross-check rules: one SQL file per rule in pipelines/crosschecks/ (adding a rule is
 * adding a file), run after the models in pipelines/crosschecks/models/. Rules read only the
 * governed layer of the period (the views and the govern snapshots), never raw department rows.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINES_DIR } from '../paths.js';
import { readPipelineSql } from '../store/warehouse.js';

export interface SqlFile {
  name: string;
  sql: string;
}

function sqlFiles(folder: string): SqlFile[] {
  return readdirSync(join(PIPELINES_DIR, folder))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f.slice(0, -4), sql: readPipelineSql(`${folder}/${f}`).join(';\n') }));
}

/** Temporary models the rules share (xc_*), in name order. */
export function crossCheckModels(): SqlFile[] {
  return sqlFiles('crosschecks/models');
}

export function crossCheckRules(): SqlFile[] {
  return sqlFiles('crosschecks');
}
