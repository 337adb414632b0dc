/**
 * A steward's decisions on ID repairs: accept or reject, with the reason. Written by the API, so
 * never into the warehouse: one append-only JSON Lines file, DIR/decisions/id-repairs.jsonl,
 * appended under a lock file so that several API processes can write it. A later decision on the
 * same repair supersedes an earlier one; both stay in the file (and in the audit trail).
 */
import { join } from 'node:path';
import { AppendLog } from '../store/appendLog.js';

export type RepairVerdict = 'accepted' | 'rejected';

export interface RepairDecision {
  period: string;
  repair_id: string;
  decision: RepairVerdict;
  reason: string;
  decided_by: string;
  decided_at: string;
  /** What the steward decided on, kept so the decision reads on its own. */
  original_id: string;
  repaired_id: string | null;
}

export class RepairDecisionStore {
  private readonly log: AppendLog<RepairDecision>;

  constructor(readonly dir: string) {
    this.log = new AppendLog<RepairDecision>(join(dir, 'id-repairs.jsonl'));
  }

  static of(dataDir: string): RepairDecisionStore {
    return new RepairDecisionStore(join(dataDir, 'decisions'));
  }

  get file(): string {
    return this.log.file;
  }

  /** Every decision in the order made. */
  all(): readonly RepairDecision[] {
    return this.log.read();
  }

  /** The standing decision per repair of a period (the latest). */
  latest(period: string): Map<string, RepairDecision> {
    const out = new Map<string, RepairDecision>();
    for (const d of this.all()) if (d.period === period) out.set(d.repair_id, d);
    return out;
  }

  async record(decision: RepairDecision): Promise<RepairDecision> {
    await this.log.append(() => [decision]);
    return decision;
  }
}
