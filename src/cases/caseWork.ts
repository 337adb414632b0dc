/**
 * Who works on which case, and what they noted: assignments and notes, appended to
 * DIR/cases/work.jsonl under the append log's lock (the API writes it, several API processes
 * may). The latest assignment stands; notes are kept in the order written. Neither changes a
 * case's status: that is the lifecycle's (caseStore.ts).
 */
import { join } from 'node:path';
import { AppendLog } from '../store/appendLog.js';
import { casesDir } from '../crosscheck/findings.js';

export interface CaseWorkEvent {
  caseId: string;
  kind: 'assign' | 'note';
  by: string;
  at: string;
  /** assign: the person now working on it (null: no one). */
  assignee?: string | null;
  /** note: what was noted. */
  text?: string;
}

export interface CaseWork {
  assignee: string | null;
  assignedBy: string | null;
  assignedAt: string | null;
  notes: Array<{ by: string; at: string; text: string }>;
}

const NONE: CaseWork = Object.freeze({ assignee: null, assignedBy: null, assignedAt: null, notes: [] }) as CaseWork;

export class CaseWorkStore {
  private readonly log: AppendLog<CaseWorkEvent>;

  constructor(dataDir: string) {
    this.log = new AppendLog<CaseWorkEvent>(join(casesDir(dataDir), 'work.jsonl'));
  }

  /** Each case's assignment and notes, from every event so far. */
  all(): Map<string, CaseWork> {
    const out = new Map<string, CaseWork>();
    for (const e of this.log.read()) {
      const work = out.get(e.caseId) ?? { assignee: null, assignedBy: null, assignedAt: null, notes: [] };
      if (e.kind === 'assign') Object.assign(work, { assignee: e.assignee ?? null, assignedBy: e.by, assignedAt: e.at });
      else work.notes.push({ by: e.by, at: e.at, text: e.text ?? '' });
      out.set(e.caseId, work);
    }
    return out;
  }

  of(caseId: string): CaseWork {
    return this.all().get(caseId) ?? NONE;
  }

  async record(event: CaseWorkEvent): Promise<CaseWork> {
    await this.log.append(() => [event]);
    return this.of(event.caseId);
  }
}
