/**
 * The checks report of a period: per connector, what was received, loaded and quarantined,
 * and the verdict of every rule. What a data steward reads first each month.
 */
import type { Warehouse } from '../store/warehouse.js';
import { renderTable } from './textTable.js';
import { formatCount, formatPercent } from '../numberFormat.js';

export interface RuleFailure {
  rule_id: string;
  kind: string;
  field: string | null;
  severity: 'error' | 'warn';
  status: 'pass' | 'warn' | 'error' | 'skipped';
  checked_rows: number;
  failed_rows: number;
  failure_ratio: number;
  warn_above: number;
  error_above: number;
  description: string;
  message: string | null;
}

export interface BatchReport {
  connector: string;
  status: 'loaded' | 'failed' | 'missing' | 'not collected';
  /** The latest attempt's error, when it failed or found no file. */
  error: string | null;
  batch_id: string | null;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  /** Rows the manifest's filter left out: rows read = loaded + quarantined + filtered. */
  rows_filtered: number;
  files: Array<{ file: string; sha256: string; bytes: number; rows_read: number; rows_loaded: number; rows_quarantined: number; rows_filtered: number }>;
  quarantine_reasons: Array<{ reason: string; rows: number }>;
  rules: RuleFailure[];
}

/** A govern model's test that did not pass (declared in the model's header). */
export interface ModelTestFailure {
  model: string;
  test: string;
  severity: 'error' | 'warn';
  failing_rows: number;
}

export interface ChecksReport {
  period: string;
  /** Failing govern model tests: an error-level one blocks like a failing check. */
  model_tests: ModelTestFailure[];
  publishable: boolean;
  /** Why not: error-level rule failures, failed and missing batches. */
  blocking: string[];
  totals: { rows_read: number; rows_loaded: number; rows_quarantined: number; rows_filtered: number };
  batches: BatchReport[];
}

export async function checksReport(warehouse: Warehouse, period: string, connectorIds: string[]): Promise<ChecksReport> {
  const batches = await warehouse.all<{ connector: string; batch_id: string; rows_read: number; rows_loaded: number; rows_quarantined: number; rows_filtered: number }>(
    `SELECT connector, batch_id, rows_read, rows_loaded, rows_quarantined, coalesce(rows_filtered, 0) AS rows_filtered FROM batches WHERE period = ?`, [period]);
  const attempts = await warehouse.all<{ connector: string; status: string; error: string | null }>(
    `SELECT connector, arg_max(status, finished_at) AS status, arg_max(error, finished_at) AS error FROM collect_attempts WHERE period = ? GROUP BY connector`, [period]);
  const files = await warehouse.all<BatchReport['files'][number] & { connector: string }>(
    `SELECT connector, file, sha256, bytes, rows_read, rows_loaded, rows_quarantined, coalesce(rows_filtered, 0) AS rows_filtered FROM batch_files WHERE period = ? ORDER BY file`, [period]);
  const rules = await warehouse.all<RuleFailure & { connector: string }>(
    `SELECT connector, rule_id, rule_kind AS kind, field, severity, status, checked_rows, failed_rows, failure_ratio, warn_above, error_above, description, message
     FROM check_results WHERE period = ? ORDER BY connector, rule_id`, [period]);
  const reasons = await warehouse.all<{ connector: string; reason: string; rows: number }>(
    `SELECT connector, regexp_replace(reason, '"[^"]*"', '"…"', 'g') AS reason, count(*) AS rows FROM quarantine WHERE period = ? GROUP BY ALL ORDER BY connector, rows DESC`, [period]);

  const modelTests = await warehouse.all<ModelTestFailure>(
    `SELECT model, test, severity, failing_rows FROM model_test_results WHERE period = ? AND status <> 'pass' ORDER BY model, test`, [period]);

  const ids = [...new Set([...connectorIds, ...batches.map((b) => b.connector)])].sort();
  const report: BatchReport[] = ids.map((connector) => {
    const batch = batches.find((b) => b.connector === connector);
    const attempt = attempts.find((a) => a.connector === connector);
    const status = (attempt?.status ?? (batch ? 'loaded' : 'not collected')) as BatchReport['status'];
    // A batch whose latest attempt failed shows that attempt, not the counts of a batch loaded by an earlier run.
    const shown = status === 'failed' ? undefined : batch;
    return {
      connector,
      status: batch && status !== 'failed' ? 'loaded' : status,
      error: attempt?.status !== 'loaded' ? attempt?.error ?? null : null,
      batch_id: shown?.batch_id ?? null,
      rows_read: shown?.rows_read ?? 0,
      rows_loaded: shown?.rows_loaded ?? 0,
      rows_quarantined: shown?.rows_quarantined ?? 0,
      rows_filtered: shown?.rows_filtered ?? 0,
      files: shown ? files.filter((f) => f.connector === connector).map(({ connector: _c, ...f }) => f) : [],
      quarantine_reasons: shown ? reasons.filter((r) => r.connector === connector).map(({ reason, rows }) => ({ reason, rows })) : [],
      rules: shown ? rules.filter((r) => r.connector === connector).map(({ connector: _c, ...r }) => r) : [],
    };
  });
  const blocking = report.flatMap((b) => [
    ...(b.status === 'failed' ? [`${b.connector}: batch failed: ${b.error}`] : []),
    ...(b.status === 'missing' || b.status === 'not collected' ? [`${b.connector}: no batch for ${period}`] : []),
    ...b.rules.filter((r) => r.status === 'error').map((r) => `${b.connector}: ${r.rule_id} failed on ${formatCount(r.failed_rows)} of ${formatCount(r.checked_rows)} rows (${formatPercent(r.failure_ratio)} > ${formatPercent(r.error_above)})`),
  ]).concat(modelTests.filter((m) => m.severity === 'error').map((m) => `govern: model ${m.model} fails its test "${m.test}" on ${formatCount(m.failing_rows)} row(s)`));
  const sum = (k: 'rows_read' | 'rows_loaded' | 'rows_quarantined' | 'rows_filtered') => report.reduce((s, b) => s + b[k], 0);
  return { period, model_tests: modelTests, publishable: blocking.length === 0, blocking, totals: { rows_read: sum('rows_read'), rows_loaded: sum('rows_loaded'), rows_quarantined: sum('rows_quarantined'), rows_filtered: sum('rows_filtered') }, batches: report };
}

/** The summary a steward wants first: one line per department dataset, then what blocks publishing. */
export function renderChecksReport(report: ChecksReport): string {
  const rows = report.batches.map((b) => [
    b.connector, b.status, b.rows_read, b.rows_loaded, b.rows_quarantined, b.rows_filtered,
    b.rules.filter((r) => r.status === 'error').length, b.rules.filter((r) => r.status === 'warn').length,
  ]);
  const failing = report.batches.flatMap((b) => b.rules.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => [
    b.connector, r.rule_id, r.status, r.failed_rows, `${(r.failure_ratio * 100).toFixed(2)}%`, r.message ?? r.description,
  ]));
  const out = [
    `Checks for ${report.period}: ${report.totals.rows_read.toLocaleString('en-US')} rows read, ${report.totals.rows_loaded.toLocaleString('en-US')} loaded, ${report.totals.rows_quarantined.toLocaleString('en-US')} quarantined${report.totals.rows_filtered > 0 ? `, ${report.totals.rows_filtered.toLocaleString('en-US')} filtered` : ''}.`,
    '',
    renderTable(['dataset', 'status', 'read', 'loaded', 'quarantined', 'filtered', 'errors', 'warnings'], rows),
  ];
  if (failing.length > 0) out.push('', renderTable(['dataset', 'rule', 'status', 'failed rows', 'ratio', 'about'], failing));
  if (report.model_tests.length > 0) out.push('', renderTable(['govern model', 'test', 'status', 'failing rows'], report.model_tests.map((m) => [m.model, m.test, m.severity, m.failing_rows])));
  out.push('', report.publishable ? 'Publishable: yes, no error-level failures.' : `Publishable: no. ${report.blocking.length} blocking finding(s):\n${report.blocking.map((b) => `  - ${b}`).join('\n')}`);
  const failed = report.batches.filter((b) => b.status === 'failed');
  if (failed.length > 0) out.push('', 'Failed batches:', ...failed.map((b) => `  ${b.connector}: ${b.error}`));
  return out.join('\n');
}
