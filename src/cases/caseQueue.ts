/**
 * Cases as a work queue and rules by what they yield. The queue puts the most money first (the
 * total over the periods, each month once), then the oldest; each rule's outcome rate counts,
 * per period a case was first found in, how many were confirmed (or resolved after being
 * confirmed) against dismissed, as fraud-matching programmes report their hit rates.
 */
import type { CaseView } from './caseList.js';

export type QueueOrder = 'amount' | 'age';

const amountOf = (c: CaseView): number => c.totalAmount ?? (typeof c.finding?.amount === 'number' ? c.finding.amount : 0);

/** Largest amount first, then the oldest; or the oldest first, then the largest amount. */
export function orderQueue(cases: readonly CaseView[], order: QueueOrder = 'amount'): CaseView[] {
  const byAge = (a: CaseView, b: CaseView) => a.openedAt.localeCompare(b.openedAt) || a.caseId.localeCompare(b.caseId);
  const byAmount = (a: CaseView, b: CaseView) => amountOf(b) - amountOf(a);
  return [...cases].sort(order === 'amount' ? (a, b) => byAmount(a, b) || byAge(a, b) : (a, b) => byAge(a, b) || byAmount(a, b));
}

export interface RuleOutcome {
  rule: string;
  period: string;
  found: number;
  confirmed: number;
  dismissed: number;
  open: number;
  /** confirmed / (confirmed + dismissed); null before any was decided. */
  rate: number | null;
}

export function ruleOutcomes(cases: readonly CaseView[]): RuleOutcome[] {
  const rows = new Map<string, RuleOutcome>();
  for (const c of cases) {
    const key = `${c.rule}\u0000${c.firstPeriod}`;
    const row = rows.get(key) ?? { rule: c.rule, period: c.firstPeriod, found: 0, confirmed: 0, dismissed: 0, open: 0, rate: null };
    row.found += 1;
    if (c.status === 'confirmed' || c.status === 'resolved') row.confirmed += 1;
    else if (c.status === 'dismissed') row.dismissed += 1;
    else row.open += 1;
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, rate: r.confirmed + r.dismissed > 0 ? r.confirmed / (r.confirmed + r.dismissed) : null }))
    .sort((a, b) => a.rule.localeCompare(b.rule) || a.period.localeCompare(b.period));
}
