/** The reconciliation report as a steward's terminal summary, or as CSV (one finding a row). */
import type { ReconciliationReport } from './reconciliationReport.js';
import { renderTable } from './textTable.js';
import { spreadsheetCsv } from '../extracts/csvFormat.js';

const CSV_COLUMNS = ['section', 'kind', 'subject_type', 'subject_id', 'department', 'value', 'other_department', 'other_value', 'file', 'line', 'detail'] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>;

export function reconciliationCsv(report: ReconciliationReport): string {
  const rows: CsvRow[] = [
    ...report.departments.map((d) => ({ section: 'department', kind: d.status, subject_id: d.connector, department: d.department, value: String(d.rows_received), other_value: `${d.rows_loaded} loaded, ${d.rows_quarantined} quarantined`, detail: d.failing_rules.map((r) => `${r.rule_id}: ${r.status} (${r.failed_rows})`).join('; ') })),
    ...report.conflicts.items.flatMap((c) => c.sources.map((s) => ({
      section: 'conflict', kind: c.kind, subject_type: c.subject_type, subject_id: c.subject_id, department: c.authority, value: c.authority_value,
      other_department: c.other_department, other_value: c.other_value, file: s.file, line: s.line, detail: `${s.department}: ${s.value ?? ''}`,
    }))),
    ...report.id_resolution.items.map((r) => ({ section: 'id_resolution', kind: r.status, subject_type: 'person', subject_id: r.repaired_id, department: r.connector, value: r.original, other_value: r.problem, file: r.file, line: r.line, detail: r.evidence })),
    ...report.uscc_resolution.items.map((r) => ({ section: 'uscc_resolution', kind: r.status, subject_type: 'entity', subject_id: r.repaired_code, department: r.connector, value: r.original, other_value: r.problem, file: r.file, line: r.line, detail: r.evidence })),
    ...report.orphans.items.map((o) => ({ section: 'orphan', kind: o.dataset, subject_type: o.subject_type, subject_id: o.subject_id, department: o.department, file: o.file, line: o.line })),
    ...report.duplicates.items.map((d) => ({ section: 'duplicate', kind: d.rule_id, subject_id: d.value, department: d.connector, file: d.file, line: d.line, detail: d.detail })),
    ...(report.month_over_month ? Object.entries(report.month_over_month).flatMap(([kind, ids]) => (Array.isArray(ids) ? ids.map((id) => ({ section: 'month_over_month', kind, subject_id: id })) : [])) : []),
  ];
  return spreadsheetCsv(CSV_COLUMNS, rows.map((r) => CSV_COLUMNS.map((c) => r[c])));
}

export function renderReconciliation(report: ReconciliationReport): string {
  const v = report.views;
  const out = [
    `Reconciliation for ${report.period}`,
    `  population view: ${v.population_view.rows.toLocaleString('en-US')} persons, sha256 ${v.population_view.sha256}`,
    `  legal-entity view: ${v.legal_entity_view.rows.toLocaleString('en-US')} entities, sha256 ${v.legal_entity_view.sha256}`,
    `  ${report.published ? `published ${report.published.published_at} by ${report.published.published_by}${report.published.override_reason ? ` (override: ${report.published.override_reason})` : ''}` : `not published${report.publishable ? '' : `: ${report.blocking.length} blocking finding(s)`}`}`,
    '',
    renderTable(['dataset', 'status', 'received', 'loaded', 'quarantined', 'failing rules'], report.departments.map((d) => [
      d.connector, d.status, d.rows_received, d.rows_loaded, d.rows_quarantined, d.failing_rules.map((r) => `${r.rule_id} (${r.failed_rows})`).join(', '),
    ])),
    '',
    'Conflicts between departments:',
    Object.keys(report.conflicts.by_kind).length === 0 ? '  none' : renderTable(['kind', 'count'], Object.entries(report.conflicts.by_kind)),
    '',
    `ID numbers: ${report.id_resolution.repaired} repaired, ${report.id_resolution.unresolved} unresolved (for a steward).`,
    `Credit codes (USCC): ${report.uscc_resolution.repaired} repaired, ${report.uscc_resolution.unresolved} unresolved (for a steward).`,
    `Orphans: ${Object.entries(report.orphans.by_dataset).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
    `Duplicates: ${Object.entries(report.duplicates.by_connector).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`,
  ];
  const m = report.month_over_month;
  out.push(m
    ? `Since ${m.previous_period}: ${m.new_persons.length} new persons, ${m.departed_persons.length} gone from the register, ${m.deaths.length} deaths, ${m.moved_out.length} moved out, ${m.moves.length} address changes, ${m.new_companies.length} new companies, ${m.closed_companies.length} closed.`
    : 'No previous governed period to compare with.');
  return out.join('\n');
}
