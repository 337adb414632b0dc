/**
 * Govern: a period's checked batches become the two core data products, the population view
 * and the legal-entity view, with identity resolution, conflicts and orphans beside them.
 * SQL models (generated staging, then pipelines/intermediate/ and pipelines/marts/) run in the
 * order their declared inputs give (governGraph.ts), each followed by its tests, then the
 * period's snapshot is kept, replacing only that period's.
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
import { RepairDecisionStore } from '../report/repairDecisions.js';
import { loadCanonicalSchemas } from '../schemas/canonicalSchemas.js';
import { ensureCanonicalTable } from '../collect/canonicalTables.js';
import { loadConnectorSet, type ConnectorSet } from '../connectors/manifest.js';
import { periodEnd, previousPeriod } from '../check/runChecks.js';
import type { Warehouse } from '../store/warehouse.js';
import { readPipelineSql } from '../store/warehouse.js';
import { traced } from '../trace.js';
import { governGraph } from './governGraph.js';
import type { Model } from './modelGraph.js';
import { testSql, type ModelTestResult } from './modelTests.js';
import { rolePlayers, type RolePlayer } from './roles.js';
import type { DepartmentRegistry } from './departments.js';

/** Snapshot tables: the period's rows of each, from a mart or an intermediate model. */
export const SNAPSHOTS: ReadonlyArray<{ table: string; model: string; key: string }> = [
  { table: 'population_view', model: 'mart_population_view', key: 'id_number' },
  { table: 'legal_entity_view', model: 'mart_legal_entity_view', key: 'uscc' },
  { table: 'id_resolutions', model: 'int_id_repairs', key: 'file, line, field' },
  { table: 'uscc_resolutions', model: 'int_uscc_repairs', key: 'file, line, field' },
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

async function build(warehouse: Warehouse, m: Model, params: Record<string, string>): Promise<void> {
  const kind = m.materialized === 'view' ? 'TEMP VIEW' : 'TEMP TABLE';
  await traced(`govern ${m.name}`, () => warehouse.run(`CREATE OR REPLACE ${kind} ${ident(m.name)} AS ${m.sql}`, paramsFor(m.sql, params)));
}

/** Run a model's tests right after it is built; a failing one is kept, not thrown. */
async function testModel(warehouse: Warehouse, m: Model): Promise<ModelTestResult[]> {
  const results: ModelTestResult[] = [];
  for (const test of m.tests) {
    const row = await warehouse.one<{ failing: number }>(testSql(m.name, test));
    const failing = Number(row?.failing ?? 0);
    results.push({ model: m.name, test: test.text, severity: test.severity, status: failing === 0 ? 'pass' : test.severity, failing_rows: failing });
  }
  return results;
}

export async function viewSha256(warehouse: Warehouse, table: 'population_view' | 'legal_entity_view', period: string): Promise<string> {
  const key = table === 'population_view' ? 'id_number' : 'uscc';
  const row = await warehouse.one<{ h: string }>(
    `SELECT sha256(coalesce(string_agg(md5(CAST(v AS VARCHAR)), '' ORDER BY ${ident(key)}), '')) AS h FROM ${ident(table)} AS v WHERE period = ?`, [period]);
  return row!.h;
}

/** A snapshot table kept by an earlier version gains the columns its model has since grown (NULL for old periods). */
async function addNewColumns(warehouse: Warehouse, table: string, model: string): Promise<void> {
  const missing = await warehouse.all<{ column_name: string; data_type: string }>(
    `SELECT m.column_name, m.data_type FROM information_schema.columns AS m
     WHERE m.table_name = ? AND m.table_catalog = 'temp' AND NOT EXISTS (
       SELECT 1 FROM information_schema.columns AS t WHERE t.table_catalog <> 'temp' AND t.table_schema = 'main' AND t.table_name = ? AND t.column_name = m.column_name)`, [model, table]);
  for (const c of missing) await warehouse.run(`ALTER TABLE ${ident(table)} ADD COLUMN ${ident(c.column_name)} ${c.data_type}`);
}

async function persistSnapshots(warehouse: Warehouse, period: string): Promise<void> {
  for (const { table, model: source } of SNAPSHOTS) {
    const exists = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'`, [table]);
    const withPeriod = source.startsWith('mart_') ? `SELECT * FROM ${ident(source)}` : `SELECT CAST(? AS VARCHAR) AS period, * FROM ${ident(source)}`;
    const params = source.startsWith('mart_') ? [] : [period];
    if (!exists?.n) await warehouse.run(`CREATE TABLE ${ident(table)} AS ${withPeriod} LIMIT 0`, params);
    else await addNewColumns(warehouse, table, source);
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

async function persistRun(warehouse: Warehouse, period: string, tests: ModelTestResult[], players: RolePlayer[]): Promise<void> {
  await warehouse.run(`DELETE FROM model_test_results WHERE period = ?`, [period]);
  for (const r of tests) {
    await warehouse.run(`INSERT INTO model_test_results VALUES (?, ?, ?, ?, ?, ?)`, [period, r.model, r.test, r.severity, r.status, r.failing_rows]);
  }
  await warehouse.run(`DELETE FROM period_roles WHERE period = ?`, [period]);
  for (const p of players) {
    await warehouse.run(`INSERT INTO period_roles VALUES (?, ?, ?, ?, ?, ?)`, [period, p.role, p.connector, p.department, p.departmentKind, p.schema]);
  }
}

/**
 * Govern a period with the connector set that collected it (its manifests say who plays which
 * role; the repository's connectors/ when not given) and the department registry
 * (schemas/departments.json when not given).
 */
export async function governPeriod(
  warehouse: Warehouse, period: string, set: ConnectorSet = loadConnectorSet(), options: { departments?: DepartmentRegistry } = {},
): Promise<GovernResult> {
  const schemas = [...loadCanonicalSchemas().values()];
  for (const schema of schemas) await ensureCanonicalTable(warehouse, schema);
  for (const statement of readPipelineSql('warehouse/governance.sql')) await warehouse.run(statement);
  await stewardRejections(warehouse, period);
  const params = { period, period_end: periodEnd(period), previous_period: previousPeriod(period) };
  const players = rolePlayers(set.connectors, options.departments);
  const tests: ModelTestResult[] = [];
  const withReferencePeriod = new Set((await warehouse.all<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.columns WHERE table_schema = 'main' AND column_name = '_reference_period'`)).map((r) => r.t));
  for (const m of governGraph(schemas, players, undefined, withReferencePeriod)) {
    await build(warehouse, m, params);
    if (m.tests.length) tests.push(...(await traced(`govern tests of ${m.name}`, () => testModel(warehouse, m))));
  }
  return warehouse.transaction(async () => {
    await traced('govern snapshots', () => persistSnapshots(warehouse, period));
    await persistRun(warehouse, period, tests, players);
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
