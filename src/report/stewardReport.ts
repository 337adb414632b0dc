/**
 * The steward report of a period, exported for the API: the API process never opens the
 * warehouse (DuckDB allows one writer per file), so the cycle copies what the console shows into
 * a read-only DuckDB file of its own, DIR/reports/<period>.duckdb. It is written beside its final
 * name and renamed into place, so a reader sees the old file or the new one, never half of one.
 *
 * The file holds a `summary` (one JSON document: per-department counts and rule verdicts, trends
 * over the last periods, publication, reconciliation counts) and the rows behind it, paged by the
 * API: quarantine, failures, conflicts, id_resolutions, orphans.
 */
import { PERIOD_PATTERN } from '../period.js';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { quotedString as str } from '@duckdb/node-api';
import type { Warehouse } from '../store/warehouse.js';
import { checksReport, type BatchReport } from './checksReport.js';
import { monthOverMonth } from './reconciliationReport.js';

/** How many periods back (the period itself included) a report's trends reach. */
export const TREND_PERIODS = 12;

export interface TrendPoint {
  period: string;
  connector: string;
  /** When the batch was loaded (the submission calendar's "received"). */
  loaded_at: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rule_errors: number;
  rule_warnings: number;
}

export interface Publication {
  published_at: string;
  published_by: string;
  override_reason: string | null;
  blocking_findings: string[];
}

export interface ReconciliationSummary {
  views: { persons: number; entities: number; population_view_sha256: string; legal_entity_view_sha256: string };
  conflicts_by_kind: Record<string, number>;
  repaired: number;
  unresolved: number;
  orphans_by_dataset: Record<string, number>;
  duplicates_by_connector: Record<string, number>;
  month_over_month: Record<string, number> & { previous_period?: string } | null;
}

export interface StewardSummary {
  period: string;
  exported_at: string;
  publishable: boolean;
  blocking: string[];
  publication: Publication | null;
  totals: { rows_read: number; rows_loaded: number; rows_quarantined: number };
  departments: BatchReport[];
  trend: TrendPoint[];
  /** Null until the period is governed. */
  reconciliation: ReconciliationSummary | null;
}

export function reportsDir(dataDir: string): string {
  return join(dataDir, 'reports');
}

export function reportFile(dataDir: string, period: string): string {
  return join(reportsDir(dataDir), `${period}.duckdb`);
}

export { PERIOD_PATTERN };

async function tableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  const row = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main' AND table_catalog = current_database()`, [table]);
  return (row?.n ?? 0) > 0;
}

async function trend(warehouse: Warehouse, period: string): Promise<TrendPoint[]> {
  return warehouse.all<TrendPoint>(
    `WITH periods AS (SELECT DISTINCT period FROM batches WHERE period <= $period ORDER BY period DESC LIMIT ${TREND_PERIODS}),
          rules AS (SELECT period, connector, count(*) FILTER (WHERE status = 'error') AS rule_errors, count(*) FILTER (WHERE status = 'warn') AS rule_warnings
                    FROM check_results GROUP BY ALL)
     SELECT b.period, b.connector, b.rows_read, b.rows_loaded, b.rows_quarantined, strftime(b.loaded_at, '%Y-%m-%dT%H:%M:%SZ') AS loaded_at,
            coalesce(r.rule_errors, 0) AS rule_errors, coalesce(r.rule_warnings, 0) AS rule_warnings
     FROM batches AS b JOIN periods USING (period) LEFT JOIN rules AS r USING (period, connector)
     ORDER BY b.period, b.connector`, { period });
}

async function publication(warehouse: Warehouse, period: string): Promise<Publication | null> {
  const row = await warehouse.one<{ published_at: string; published_by: string; override_reason: string | null; blocking_findings: string | null }>(
    `SELECT published_at, published_by, override_reason, blocking_findings FROM published_periods WHERE period = ?`, [period]).catch(() => undefined);
  if (!row) return null;
  return { ...row, blocking_findings: row.blocking_findings ? (JSON.parse(row.blocking_findings) as string[]) : [] };
}

function countBy(rows: Array<{ key: string; n: number }>): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

async function reconciliation(warehouse: Warehouse, period: string): Promise<ReconciliationSummary | null> {
  const governed = await warehouse.one<ReconciliationSummary['views']>(
    `SELECT persons, entities, population_view_sha256, legal_entity_view_sha256 FROM governed_periods WHERE period = ?`, [period]).catch(() => undefined);
  if (!governed) return null;
  const grouped = (sql: string) => warehouse.all<{ key: string; n: number }>(sql, [period]).then(countBy);
  const statuses = await grouped(`SELECT status AS key, count(*) AS n FROM id_resolutions WHERE period = ? GROUP BY 1`);
  const changes = await monthOverMonth(warehouse, period);
  return {
    views: governed,
    conflicts_by_kind: await grouped(`SELECT kind AS key, count(*) AS n FROM conflicts WHERE period = ? GROUP BY 1 ORDER BY 1`),
    repaired: statuses.repaired ?? 0,
    unresolved: statuses.unresolved ?? 0,
    orphans_by_dataset: await grouped(`SELECT dataset AS key, count(*) AS n FROM orphans WHERE period = ? GROUP BY 1 ORDER BY 1`),
    duplicates_by_connector: await grouped(`SELECT connector AS key, count(*) AS n FROM check_failures WHERE period = ? AND rule_id LIKE 'unique:%' GROUP BY 1 ORDER BY 1`),
    month_over_month: changes && {
      previous_period: changes.previous_period,
      ...Object.fromEntries(Object.entries(changes).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as string[]).length])),
    } as ReconciliationSummary['month_over_month'],
  };
}

/** The rows behind the summary: each a SELECT over the warehouse for the period, or an empty table of the same shape. */
const ROW_TABLES: Array<{ table: string; source: string; select: string; empty: string }> = [
  {
    table: 'quarantine', source: 'quarantine',
    select: `SELECT connector, split_part(connector, '/', 1) AS department, file, line, stage, field, reason, raw_line FROM quarantine WHERE period = $period ORDER BY connector, file, line`,
    empty: 'connector VARCHAR, department VARCHAR, file VARCHAR, line BIGINT, stage VARCHAR, field VARCHAR, reason VARCHAR, raw_line VARCHAR',
  },
  {
    table: 'failures', source: 'check_failures',
    select: `SELECT connector, split_part(connector, '/', 1) AS department, rule_id, file, line, value, detail FROM check_failures WHERE period = $period ORDER BY connector, rule_id, file, line`,
    empty: 'connector VARCHAR, department VARCHAR, rule_id VARCHAR, file VARCHAR, line BIGINT, value VARCHAR, detail VARCHAR',
  },
  {
    table: 'conflicts', source: 'conflicts',
    select: `SELECT kind, subject_type, subject_id, authority, authority_value, other_department, other_value, to_json(sources)::VARCHAR AS sources
             FROM conflicts WHERE period = $period ORDER BY kind, subject_id, other_department, other_value`,
    empty: 'kind VARCHAR, subject_type VARCHAR, subject_id VARCHAR, authority VARCHAR, authority_value VARCHAR, other_department VARCHAR, other_value VARCHAR, sources VARCHAR',
  },
  {
    // repair_id names one resolution across re-exports: the same row and field of the same file.
    table: 'id_resolutions', source: 'id_resolutions',
    select: `SELECT substr(sha256(concat_ws('|', period, connector, file, CAST(line AS VARCHAR), field)), 1, 16) AS repair_id,
                    dataset, field, connector, split_part(connector, '/', 1) AS department, batch_id, file, line, original, original_id, name, problem, status,
                    repaired_id, evidence, to_json(candidate_ids)::VARCHAR AS candidate_ids
             FROM id_resolutions WHERE period = $period ORDER BY status, connector, file, line, field`,
    empty: 'repair_id VARCHAR, dataset VARCHAR, field VARCHAR, connector VARCHAR, department VARCHAR, batch_id VARCHAR, file VARCHAR, line BIGINT, original VARCHAR, original_id VARCHAR, name VARCHAR, problem VARCHAR, status VARCHAR, repaired_id VARCHAR, evidence VARCHAR, candidate_ids VARCHAR',
  },
  {
    table: 'orphans', source: 'orphans',
    select: `SELECT subject_type, subject_id, dataset, field, department, batch, file, line FROM orphans WHERE period = $period ORDER BY dataset, file, line`,
    empty: 'subject_type VARCHAR, subject_id VARCHAR, dataset VARCHAR, field VARCHAR, department VARCHAR, batch VARCHAR, file VARCHAR, line BIGINT',
  },
];

export async function stewardSummary(warehouse: Warehouse, period: string, connectorIds: string[]): Promise<StewardSummary> {
  const checks = await checksReport(warehouse, period, connectorIds);
  return {
    period,
    exported_at: new Date().toISOString(),
    publishable: checks.publishable,
    blocking: checks.blocking,
    publication: await publication(warehouse, period),
    totals: checks.totals,
    departments: checks.batches,
    trend: await trend(warehouse, period),
    reconciliation: await reconciliation(warehouse, period),
  };
}

/**
 * Write DIR/reports/<period>.duckdb for the API from the warehouse. Call it after check, govern
 * and publish (each changes what the report says); re-exporting replaces the file atomically.
 */
export async function exportStewardReport(warehouse: Warehouse, period: string, dataDir: string, connectorIds: string[]): Promise<string> {
  if (!PERIOD_PATTERN.test(period)) throw new Error(`steward report: period "${period}" is not YYYY-MM`);
  const summary = await stewardSummary(warehouse, period, connectorIds);
  mkdirSync(reportsDir(dataDir), { recursive: true });
  const final = reportFile(dataDir, period);
  // DuckDB picks the storage by extension, so the temporary name ends in .duckdb too.
  const temporary = join(reportsDir(dataDir), `.${period}.${process.pid}.${Date.now()}.tmp.duckdb`);
  rmSync(temporary, { force: true });
  await warehouse.run(`ATTACH ${str(temporary)} AS steward_report`);
  try {
    await warehouse.run(`CREATE TABLE steward_report.summary AS SELECT CAST($doc AS VARCHAR) AS doc`, { doc: JSON.stringify(summary) });
    for (const { table, source, select, empty } of ROW_TABLES) {
      if (await tableExists(warehouse, source)) await warehouse.run(`CREATE TABLE steward_report.${table} AS ${select}`, { period });
      else await warehouse.run(`CREATE TABLE steward_report.${table} (${empty})`);
    }
  } catch (error) {
    await warehouse.run(`DETACH steward_report`);
    rmSync(temporary, { force: true });
    throw error;
  }
  await warehouse.run(`DETACH steward_report`);
  if (existsSync(`${temporary}.wal`)) throw new Error(`steward report: ${temporary} was not checkpointed on detach`);
  renameSync(temporary, final);
  return final;
}
