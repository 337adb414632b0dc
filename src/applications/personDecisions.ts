/**
 * What a person decided on an application the automatic review routed to them: approved or
 * refused, by whom, when and why. Appended to DIR/applications/reviews.jsonl under the append
 * log's lock; the automatic decision (decisions.jsonl) is never rewritten, so both stay: what
 * the machine saw and what the person decided. A later decision on the same application stands.
 */
import { join } from 'node:path';
import { AppendLog } from '../store/appendLog.js';

export interface PersonDecision {
  id: string;
  decision: 'approved' | 'refused';
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

export class PersonDecisionStore {
  private readonly log: AppendLog<PersonDecision>;

  constructor(dataDir: string) {
    this.log = new AppendLog<PersonDecision>(join(dataDir, 'applications', 'reviews.jsonl'));
  }

  /** The standing decision per application (the latest). */
  latest(): Map<string, PersonDecision> {
    const out = new Map<string, PersonDecision>();
    for (const d of this.log.read()) out.set(d.id, d);
    return out;
  }

  async record(decision: PersonDecision): Promise<PersonDecision> {
    await this.log.append(() => [decision]);
    return decision;
  }
}
