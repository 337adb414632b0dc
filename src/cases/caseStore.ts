/**
 * Cases, kept across periods in an append-only, locked store (DIR/cases/events.jsonl) that the
 * cycle, the CLI and the API processes all write: a case is opened once, the first time one of
 * its findings appears, and every later change is an event with who, when and why. The state of
 * a case is its events folded in order.
 */
import { join } from 'node:path';
import { AppendLog } from '../store/appendLog.js';
import { casesDir, type Finding } from '../crosscheck/findings.js';
import { CaseTransitionError, nextStatus, type CaseAction, type CaseStatus } from './caseLifecycle.js';

export interface CaseEvent {
  seq: number;
  caseId: string;
  event: 'opened' | CaseAction;
  status: CaseStatus;
  at: string;
  by: string;
  reason: string;
  /** On `opened`: what the case is about. */
  caseKey?: string;
  rule?: string;
  subjectType?: string;
  subjectId?: string | null;
  subjectName?: string | null;
  period?: string;
}

export interface CaseState {
  caseId: string;
  caseKey: string;
  rule: string;
  subjectType: string;
  subjectId: string | null;
  subjectName: string | null;
  firstPeriod: string;
  status: CaseStatus;
  openedAt: string;
  updatedAt: string;
  history: Array<Pick<CaseEvent, 'event' | 'status' | 'at' | 'by' | 'reason'>>;
}

export function foldCases(events: readonly CaseEvent[]): Map<string, CaseState> {
  const cases = new Map<string, CaseState>();
  for (const e of events) {
    const entry = { event: e.event, status: e.status, at: e.at, by: e.by, reason: e.reason };
    const existing = cases.get(e.caseId);
    if (e.event === 'opened' && !existing) {
      cases.set(e.caseId, {
        caseId: e.caseId, caseKey: e.caseKey!, rule: e.rule!, subjectType: e.subjectType!, subjectId: e.subjectId ?? null, subjectName: e.subjectName ?? null,
        firstPeriod: e.period!, status: e.status, openedAt: e.at, updatedAt: e.at, history: [entry],
      });
    } else if (existing) {
      existing.status = e.status;
      existing.updatedAt = e.at;
      existing.history.push(entry);
    }
  }
  return cases;
}

export class CaseStore {
  private readonly log: AppendLog<CaseEvent>;
  private folded?: { count: number; cases: Map<string, CaseState> };

  constructor(readonly dataDir: string) {
    this.log = new AppendLog<CaseEvent>(join(casesDir(dataDir), 'events.jsonl'));
  }

  /** Every case, as of the latest event. */
  cases(): Map<string, CaseState> {
    const events = this.log.read();
    if (this.folded?.count !== events.length) this.folded = { count: events.length, cases: foldCases(events) };
    return this.folded.cases;
  }

  get(caseId: string): CaseState | undefined {
    return this.cases().get(caseId);
  }

  /** Open a case for each finding whose case does not exist yet; how many were opened. */
  async openCases(findings: readonly Finding[], by: string): Promise<number> {
    const added = await this.log.append((events) => {
      const known = new Set(events.map((e) => e.caseId));
      const at = new Date().toISOString();
      const opened: CaseEvent[] = [];
      for (const f of findings) {
        if (known.has(f.caseId)) continue;
        known.add(f.caseId);
        opened.push({
          seq: events.length + opened.length + 1, caseId: f.caseId, event: 'opened', status: 'open', at, by, reason: f.summary,
          caseKey: f.caseKey, rule: f.rule, subjectType: f.subjectType, subjectId: f.subjectId, subjectName: f.subjectName, period: f.period,
        });
      }
      return opened;
    });
    return added.length;
  }

  /** Confirm, dismiss, resolve or reopen a case: checked against its latest state under the lock. */
  async change(caseId: string, action: CaseAction, by: string, reason: string | undefined): Promise<CaseState> {
    await this.log.append((events) => {
      const current = foldCases(events).get(caseId);
      if (!current) throw new CaseTransitionError(`no case ${caseId}`, 404);
      const status = nextStatus(caseId, current.status, action, reason);
      return [{ seq: events.length + 1, caseId, event: action, status, at: new Date().toISOString(), by, reason: reason!.trim() }];
    });
    return this.get(caseId)!;
  }
}
