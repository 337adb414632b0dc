/** The rows behind the numbers: quarantined rows and rule failures, with file and line. */
import type { Warehouse } from '../store/warehouse.js';

export interface DrillDownFilter {
  period: string;
  connector?: string;
  rule?: string;
  limit: number;
}

export interface QuarantinedRow {
  connector: string;
  file: string;
  line: number;
  stage: string;
  field: string | null;
  reason: string;
  raw_line: string | null;
}

export interface FailingRow {
  connector: string;
  rule_id: string;
  file: string;
  line: number;
  value: string | null;
  detail: string | null;
}

export async function quarantinedRows(warehouse: Warehouse, filter: DrillDownFilter): Promise<QuarantinedRow[]> {
  return warehouse.all<QuarantinedRow>(
    `SELECT connector, file, line, stage, field, reason, raw_line FROM quarantine
     WHERE period = $period AND ($connector IS NULL OR connector = $connector)
     ORDER BY connector, file, line LIMIT $limit`,
    { period: filter.period, connector: filter.connector ?? null, limit: filter.limit },
  );
}

export async function failingRows(warehouse: Warehouse, filter: DrillDownFilter): Promise<FailingRow[]> {
  return warehouse.all<FailingRow>(
    `SELECT connector, rule_id, file, line, value, detail FROM check_failures
     WHERE period = $period AND ($connector IS NULL OR connector = $connector) AND ($rule IS NULL OR rule_id = $rule)
     ORDER BY connector, rule_id, file, line LIMIT $limit`,
    { period: filter.period, connector: filter.connector ?? null, rule: filter.rule ?? null, limit: filter.limit },
  );
}
