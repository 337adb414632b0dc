/**
 * Govern: a period's checked batches become the two core data products, the population view
 * and the legal-entity view, with identity resolution, conflicts and orphans beside them.
 * SQL models in pipelines/ (intermediate, then marts), run in order as temporary tables, then
 * kept as the period's snapshot, replacing only that period's.
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
import { RepairDecisionStore } from '../report/repairDecisions.js';
import { loadCanonicalSchemas } from '../schemas/canonicalSchemas.js';
import { ensureCanonicalTable } from '../collect/canonicalTables.js';
import { periodEnd, previousPeriod } from '../check/runChecks.js';
import type { Warehouse } from '../store/warehouse.js';
import { readPipelineSql } from '../store/warehouse.js';
import { traced } from '../trace.js';
import { idObservationsSql } from './idObservations.js';

/** Intermediate models in dependency order; int_id_observations is generated from the schemas. */
export const INTERMEDIATE_MODELS = [
  'int_known_persons', 'int_id_observations', 'int_id_candidates', 'int_id_repairs', 'int_resolved_ids',
  'int_deaths', 'int_marital', 'int_disability', 'int_allowance', 'int_pension', 'int_property',
  'int_entities', 'int_taxpayers', 'int_conflicts', 'int_orphans',
  'int_property_titles', 'int_pension_payments', 'int_subsidy_payments', 'int_penalties',
] as const;

/** Snapshot tables: the period's rows of each, from a mart or an intermediate model. */
export const SNAPSHOTS: ReadonlyArray<{ table: string; model: string; key: string }> = [
  { table: 'population_view', model: 'mart_population_view', key: 'id_number' },
  { table: 'legal_entity_view', model: 'mart_legal_entity_view', key: 'uscc' },
  { table: 'id_resolutions', model: 'int_id_repairs', key: 'file, line, field' },
  { table: 'conflicts', model: 'int_conflicts', key: 'kind, subject_id, other_department, other_value' },
  { table: 'orphans', model: 'int_orphans', key: 'subject_type, subject_id, file, line' },
  // What the cross-checks (src/crosscheck) and the published snapshot read beside the views.
  { table: 'death_evidence', model: 'int_deaths', key: 'id' },
  { table: 'property_titles', model: 'int_property_titles', key: 'certificate_number' },
  { table: 'pension_payments', model: 'int_pension_payments', key: 'id, pay_month, file, line' },
  { table: 'subsidy_payments', model: 'int_subsidy_payments', key: 'id, subsidy_type, pay_month, file, line' },
  { table: 'penalties', model: 'int_penalties', key: 'decision_number' },
];

export interface GovernResult {
  period: string;
  persons: number;
  entities: number;
  populationViewSha256: string;
  legalEntityViewSha256: string;
}

/** Bind only the parameters a statement uses (DuckDB refuses unused ones). */
function paramsFor(sql: string, all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

async function model(warehouse: Warehouse, name: string, sql: string, params: Record<string, string>): Promise<void> {
  await traced(`govern ${name}`, () => warehouse.run(`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS ${sql}`, paramsFor(sql, params)));
}

export async function viewSha256(warehouse: Warehouse, table: 'population_view' | 'legal_entity_view', period: string): Promise<string> {
  const key = table === 'population_view' ? 'id_number' : 'uscc';
  const row = await warehouse.one<{ h: string }>(
    `SELECT sha256(coalesce(string_agg(md5(CAST(v AS VARCHAR)), '' ORDER BY ${ident(key)}), '')) AS h FROM ${ident(table)} AS v WHERE period = ?`, [period]);
  return row!.h;
}

async function persistSnapshots(warehouse: Warehouse, period: string): Promise<void> {
  for (const { table, model: source } of SNAPSHOTS) {
    const exists = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'`, [table]);
    const withPeriod = source.startsWith('mart_') ? `SELECT * FROM ${ident(source)}` : `SELECT CAST(? AS VARCHAR) AS period, * FROM ${ident(source)}`;
    const params = source.startsWith('mart_') ? [] : [period];
    if (!exists?.n) await warehouse.run(`CREATE TABLE ${ident(table)} AS ${withPeriod} LIMIT 0`, params);
    await warehouse.run(`DELETE FROM ${ident(table)} WHERE period = ?`, [period]);
    await warehouse.run(`INSERT INTO ${ident(table)} BY NAME ${withPeriod}`, params);
  }
}

/** The ID repairs a steward rejected for the period (the standing decision per repair), for int_id_repairs. */
async function stewardRejections(warehouse: Warehouse, period: string): Promise<void> {
  await warehouse.run('CREATE OR REPLACE TEMP TABLE steward_repair_rejections (repair_id VARCHAR, decided_by VARCHAR, reason VARCHAR)');
  const rejected = [...RepairDecisionStore.of(warehouse.dataDir).latest(period).values()].filter((d) => d.decision === 'rejected');
  for (let i = 0; i < rejected.length; i += 200) {
    const chunk = rejected.slice(i, i + 200);
    await warehouse.run(`INSERT INTO steward_repair_rejections VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`, chunk.flatMap((d) => [d.repair_id, d.decided_by, d.reason]));
  }
}

export async function governPeriod(warehouse: Warehouse, period: string): Promise<GovernResult> {
  const schemas = [...loadCanonicalSchemas().values()];
  for (const schema of schemas) await ensureCanonicalTable(warehouse, schema);
  for (const statement of readPipelineSql('warehouse/governance.sql')) await warehouse.run(statement);
  await stewardRejections(warehouse, period);
  const params = { period, period_end: periodEnd(period), previous_period: previousPeriod(period) };
  const tables = new Set(schemas.map((s) => s.table));
  for (const name of INTERMEDIATE_MODELS) {
    const sql = name === 'int_id_observations' ? idObservationsSql(schemas, tables) : readPipelineSql(`intermediate/${name}.sql`).join(';\n');
    await model(warehouse, name, sql, params);
  }
  for (const mart of ['population_view', 'legal_entity_view']) {
    await model(warehouse, `mart_${mart}`, readPipelineSql(`marts/${mart}.sql`).join(';\n'), params);
  }
  return warehouse.transaction(async () => {
    await traced('govern snapshots', () => persistSnapshots(warehouse, period));
    const counts = await warehouse.one<{ persons: number; entities: number }>(
      `SELECT (SELECT count(*) FROM population_view WHERE period = $period) AS persons, (SELECT count(*) FROM legal_entity_view WHERE period = $period) AS entities`, { period });
    const result: GovernResult = {
      period,
      persons: counts!.persons,
      entities: counts!.entities,
      populationViewSha256: await viewSha256(warehouse, 'population_view', period),
      legalEntityViewSha256: await viewSha256(warehouse, 'legal_entity_view', period),
    };
    await warehouse.run(`DELETE FROM governed_periods WHERE period = ?`, [period]);
    await warehouse.run(`INSERT INTO governed_periods VALUES (?, ?, ?, ?, ?, now())`, [period, result.persons, result.entities, result.populationViewSha256, result.legalEntityViewSha256]);
    return result;
  });
}
