/**
 * Recorded application decisions as stewards and auditors look through them: newest first,
 * filtered by outcome (above all, those waiting for a person) and by type, a page at a time,
 * with the count per outcome so a page can say how many wait.
 */
import type { DecisionOutcome, ApplicationDecision } from './reviewApplication.js';

export interface DecisionFilter {
  outcome?: DecisionOutcome;
  type?: string;
}

export interface DecisionPage {
  total: number;
  offset: number;
  limit: number;
  /** Over every recorded decision of the type asked for (or all types), whatever the outcome asked for. */
  outcomes: Record<DecisionOutcome, number>;
  decisions: ApplicationDecision[];
}

export function listDecisions(all: readonly ApplicationDecision[], filter: DecisionFilter, page: { offset: number; limit: number }): DecisionPage {
  const outcomes: Record<DecisionOutcome, number> = { manual_review: 0, approved: 0 };
  const matching: ApplicationDecision[] = [];
  // The store is in the order decisions were recorded; walking it backwards gives newest first.
  for (let i = all.length - 1; i >= 0; i--) {
    const d = all[i]!;
    if (filter.type && d.type !== filter.type) continue;
    outcomes[d.decision] += 1;
    if (filter.outcome && d.decision !== filter.outcome) continue;
    matching.push(d);
  }
  return { total: matching.length, offset: page.offset, limit: page.limit, outcomes, decisions: matching.slice(page.offset, page.offset + page.limit) };
}
