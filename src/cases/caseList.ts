/**
 * Cases as analysts see them: each case's state (from the case store) beside its findings
 * (from the exported findings files), filtered by period, rule and status; as JSON, CSV or a
 * terminal table. Reads only files, so the API process and the CLI share it.
 */
import { findingPeriods, readPeriodFindings, type Finding } from '../crosscheck/findings.js';
import { renderTable } from '../report/textTable.js';
import { spreadsheetCsv } from '../extracts/csvFormat.js';
import type { CaseStatus } from './caseLifecycle.js';
import type { CaseState, CaseStore } from './caseStore.js';

export interface CaseFilter {
  period?: string;
  rule?: string;
  status?: CaseStatus;
  subject?: string;
}

export interface CaseView extends Omit<CaseState, 'history'> {
  /** The periods the case was found in, oldest first. */
  periods: string[];
  /** The finding of the period asked for, or the latest. */
  finding: Omit<Finding, 'caseId' | 'caseKey' | 'rule'> | null;
  /** Over every period, each month counted once (e.g. the whole pension overpaid). */
  totalAmount: number | null;
  history?: CaseState['history'];
}

function findingsByCase(dataDir: string): Map<string, Finding[]> {
  const byCase = new Map<string, Finding[]>();
  for (const period of findingPeriods(dataDir)) {
    for (const f of readPeriodFindings(dataDir, period)?.findings ?? []) {
      const list = byCase.get(f.caseId) ?? [];
      list.push(f);
      byCase.set(f.caseId, list);
    }
  }
  return byCase;
}

/** Sum of the findings' amounts, a month (or set of months) found again in a later period counted once. */
function totalAmount(findings: Finding[]): number | null {
  const byMonths = new Map<string, number>();
  for (const f of findings) if (f.amount !== null) byMonths.set(f.months.join(','), f.amount);
  if (byMonths.size === 0) return null;
  return Math.round([...byMonths.values()].reduce((a, b) => a + b, 0) * 100) / 100;
}

function view(state: CaseState, findings: Finding[], period: string | undefined, withHistory: boolean): CaseView {
  const { history, ...rest } = state;
  const chosen = period ? findings.find((f) => f.period === period) : findings[findings.length - 1];
  const finding = chosen ? (({ caseId: _i, caseKey: _k, rule: _r, ...f }) => f)(chosen) : null;
  return { ...rest, periods: findings.map((f) => f.period), finding, totalAmount: totalAmount(findings), ...(withHistory ? { history } : {}) };
}

export function listCases(store: CaseStore, filter: CaseFilter = {}): CaseView[] {
  const byCase = findingsByCase(store.dataDir);
  const views: CaseView[] = [];
  for (const state of store.cases().values()) {
    const findings = byCase.get(state.caseId) ?? [];
    if (filter.period && !findings.some((f) => f.period === filter.period)) continue;
    if (filter.rule && state.rule !== filter.rule) continue;
    if (filter.status && state.status !== filter.status) continue;
    if (filter.subject && state.subjectId !== filter.subject) continue;
    views.push(view(state, findings, filter.period, false));
  }
  return views.sort((a, b) => (a.rule === b.rule ? (a.caseKey < b.caseKey ? -1 : 1) : a.rule < b.rule ? -1 : 1));
}

/** How many cases there are per rule and per status: what a filter can choose from. */
export function tallyCases(cases: readonly CaseView[]): { rules: Record<string, number>; statuses: Record<string, number> } {
  const rules: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (const c of cases) {
    rules[c.rule] = (rules[c.rule] ?? 0) + 1;
    statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  }
  return { rules, statuses };
}

export function caseDetail(store: CaseStore, caseId: string): CaseView | undefined {
  const state = store.get(caseId);
  if (!state) return undefined;
  return view(state, findingsByCase(store.dataDir).get(caseId) ?? [], undefined, true);
}

const COLUMNS = ['case', 'rule', 'status', 'subject', 'name', 'reason', 'periods', 'amount', 'total', 'summary'] as const;

function cells(c: CaseView): Array<string | number | null> {
  return [c.caseId, c.rule, c.status, c.subjectId, c.subjectName, c.finding?.reason ?? null, c.periods.join(' '), c.finding?.amount ?? null, c.totalAmount, c.finding?.summary ?? null];
}

export function renderCases(cases: CaseView[], format: 'json' | 'csv' | 'table'): string {
  if (format === 'json') return `${JSON.stringify(cases, null, 2)}\n`;
  if (format === 'csv') return spreadsheetCsv(COLUMNS, cases.map(cells));
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const tally = [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
  return `${renderTable([...COLUMNS], cases.map((c) => cells(c).map((v, i) => (i === 9 && typeof v === 'string' && v.length > 80 ? `${v.slice(0, 77)}...` : v))))}\n${cases.length} case(s): ${tally}\n`;
}
