/**
 * The reconciliation report of a period, what a data steward reviews each month: what each
 * department sent and what failed, where departments disagree, which ID numbers were repaired
 * or left unresolved, orphans, duplicates, and what changed since the previous period. Every
 * finding points to its source rows; the report carries the content hash of each view.
 */
import type { FailingRow } from './drillDown.js';
import type { Warehouse } from '../store/warehouse.js';
import { previousPeriod } from '../check/runChecks.js';
import { checksReport } from './checksReport.js';

export interface SourceRow {
  department: string;
  value: string | null;
  batch: string;
  file: string;
  line: number;
}

export interface Conflict {
  kind: string;
  subject_type: 'person' | 'entity';
  subject_id: string;
  authority: string;
  authority_value: string | null;
  other_department: string;
  other_value: string | null;
  sources: SourceRow[];
}

/** What an ID or USCC repair decision keeps: the source row, the value as sent, the verdict and why. */
interface RepairDecision {
  dataset: string;
  field: string;
  connector: string;
  batch_id: string;
  file: string;
  line: number;
  original: string;
  name: string | null;
  problem: string;
  status: 'repaired' | 'unresolved' | 'rejected';
  evidence: string;
}

export interface IdResolution extends RepairDecision {
  original_id: string;
  repaired_id: string | null;
  candidate_ids: string[];
}

/** A credit code failing its check character outside the business register, repaired or left for a steward. */
export interface UsccResolution extends RepairDecision {
  original_code: string;
  repaired_code: string | null;
  candidate_codes: string[];
  repair_id: string;
}

export interface Orphan {
  subject_type: string;
  subject_id: string;
  dataset: string;
  field: string;
  department: string;
  batch: string;
  file: string;
  line: number;
}

/** A row the uniqueness rules flagged: a failing row like any other. */
export type Duplicate = FailingRow;

export interface MonthOverMonth {
  previous_period: string;
  new_persons: string[];
  departed_persons: string[];
  deaths: string[];
  moved_out: string[];
  moves: string[];
  new_companies: string[];
  closed_companies: string[];
}

export interface ReconciliationReport {
  period: string;
  views: {
    population_view: { rows: number; sha256: string };
    legal_entity_view: { rows: number; sha256: string };
  };
  published: { published_at: string; published_by: string; override_reason: string | null } | null;
  publishable: boolean;
  blocking: string[];
  departments: Array<{
    department: string;
    connector: string;
    status: string;
    rows_received: number;
    rows_loaded: number;
    rows_quarantined: number;
    failing_rules: Array<{ rule_id: string; status: string; failed_rows: number }>;
  }>;
  conflicts: { by_kind: Record<string, number>; items: Conflict[] };
  id_resolution: { repaired: number; unresolved: number; items: IdResolution[] };
  uscc_resolution: { repaired: number; unresolved: number; items: UsccResolution[] };
  orphans: { by_dataset: Record<string, number>; items: Orphan[] };
  duplicates: { by_connector: Record<string, number>; items: Duplicate[] };
  month_over_month: MonthOverMonth | null;
}

export class NotGovernedError extends Error {}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function ids(warehouse: Warehouse, sql: string, params: Record<string, string>): Promise<string[]> {
  return (await warehouse.all<{ id: string }>(sql, params)).map((r) => r.id);
}

/** What changed against the previous governed period, from the two snapshots. */
export async function monthOverMonth(warehouse: Warehouse, period: string): Promise<MonthOverMonth | null> {
  const previous = previousPeriod(period);
  const governed = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM governed_periods WHERE period = ?`, [previous]);
  if (!governed?.n) return null;
  const p = { period, previous };
  const persons = (where: string) => ids(warehouse,
    `SELECT now.id_number AS id FROM population_view AS now LEFT JOIN population_view AS before ON before.period = $previous AND before.id_number = now.id_number
     WHERE now.period = $period AND (${where}) ORDER BY 1`, p);
  const companies = (where: string) => ids(warehouse,
    `SELECT now.uscc AS id FROM legal_entity_view AS now LEFT JOIN legal_entity_view AS before ON before.period = $previous AND before.uscc = now.uscc
     WHERE now.period = $period AND (${where}) ORDER BY 1`, p);
  return {
    previous_period: previous,
    new_persons: await persons('before.id_number IS NULL'),
    departed_persons: await ids(warehouse,
      `SELECT before.id_number AS id FROM population_view AS before LEFT JOIN population_view AS now ON now.period = $period AND now.id_number = before.id_number
       WHERE before.period = $previous AND now.id_number IS NULL ORDER BY 1`, p),
    deaths: await persons('now.deceased AND NOT coalesce(before.deceased, false)'),
    moved_out: await persons(`now.register_status = 'moved_out' AND coalesce(before.register_status, '') <> 'moved_out'`),
    moves: await persons(`before.id_number IS NOT NULL AND (now.address IS DISTINCT FROM before.address OR now.registered_area_code IS DISTINCT FROM before.registered_area_code)`),
    new_companies: await companies('before.uscc IS NULL'),
    closed_companies: await companies(`now.business_status IN ('deregistered', 'revoked') AND coalesce(before.business_status, 'active') = 'active'`),
  };
}

export async function reconciliationReport(warehouse: Warehouse, period: string, connectorIds: string[]): Promise<ReconciliationReport> {
  const governed = await warehouse.one<{ persons: number; entities: number; population_view_sha256: string; legal_entity_view_sha256: string }>(
    `SELECT persons, entities, population_view_sha256, legal_entity_view_sha256 FROM governed_periods WHERE period = ?`, [period]).catch(() => undefined);
  if (!governed) throw new NotGovernedError(`period ${period} has not been governed: run dx cycle --period ${period} first`);
  const checks = await checksReport(warehouse, period, connectorIds);
  const published = await warehouse.one<{ published_at: string; published_by: string; override_reason: string | null }>(
    `SELECT published_at, published_by, override_reason FROM published_periods WHERE period = ?`, [period]);
  const conflicts = await warehouse.all<Conflict>(
    `SELECT kind, subject_type, subject_id, authority, authority_value, other_department, other_value, sources
     FROM conflicts WHERE period = ? ORDER BY kind, subject_id, other_department, other_value`, [period]);
  const resolutions = await warehouse.all<IdResolution>(
    `SELECT dataset, field, connector, batch_id, file, line, original, original_id, name, problem, status, repaired_id, evidence, candidate_ids
     FROM id_resolutions WHERE period = ? ORDER BY status, connector, file, line, field`, [period]);
  const usccTable = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'uscc_resolutions'`);
  const usccResolutions = usccTable?.n ? await warehouse.all<UsccResolution>(
    `SELECT dataset, field, connector, batch_id, file, line, original, original_code, name, problem, status, repaired_code, evidence, candidate_codes, repair_id
     FROM uscc_resolutions WHERE period = ? ORDER BY status, connector, file, line, field`, [period]) : [];
  const orphans = await warehouse.all<Orphan>(
    `SELECT subject_type, subject_id, dataset, field, department, batch, file, line FROM orphans WHERE period = ? ORDER BY dataset, file, line`, [period]);
  const duplicates = await warehouse.all<Duplicate>(
    `SELECT connector, rule_id, file, line, value, detail FROM check_failures WHERE period = ? AND rule_id LIKE 'unique:%' ORDER BY connector, file, line`, [period]);
  return {
    period,
    views: {
      population_view: { rows: governed.persons, sha256: governed.population_view_sha256 },
      legal_entity_view: { rows: governed.entities, sha256: governed.legal_entity_view_sha256 },
    },
    published: published ?? null,
    publishable: checks.publishable,
    blocking: checks.blocking,
    departments: checks.batches.map((b) => ({
      department: b.connector.split('/')[0]!,
      connector: b.connector,
      status: b.status,
      rows_received: b.rows_read,
      rows_loaded: b.rows_loaded,
      rows_quarantined: b.rows_quarantined,
      failing_rules: b.rules.filter((r) => r.status === 'warn' || r.status === 'error').map((r) => ({ rule_id: r.rule_id, status: r.status, failed_rows: r.failed_rows })),
    })),
    conflicts: { by_kind: countBy(conflicts, (c) => c.kind), items: conflicts },
    id_resolution: {
      repaired: resolutions.filter((r) => r.status === 'repaired').length,
      unresolved: resolutions.filter((r) => r.status === 'unresolved').length,
      items: resolutions,
    },
    uscc_resolution: {
      repaired: usccResolutions.filter((r) => r.status === 'repaired').length,
      unresolved: usccResolutions.filter((r) => r.status === 'unresolved').length,
      items: usccResolutions,
    },
    orphans: { by_dataset: countBy(orphans, (o) => o.dataset), items: orphans },
    duplicates: { by_connector: countBy(duplicates, (d) => d.connector), items: duplicates },
    month_over_month: await monthOverMonth(warehouse, period),
  };
}
