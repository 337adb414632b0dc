/**
 * A steward's decisions on ID repairs: accept or reject, with the reason. Written by the API, so
 * never into the warehouse: one append-only JSON Lines file, DIR/decisions/id-repairs.jsonl,
 * appended under a lock file so that several API processes can write it. A later decision on the
 * same repair supersedes an earlier one; both stay in the file (and in the audit trail).
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class RepairDecisionStore {
  private cached?: { size: number; mtimeMs: number; decisions: RepairDecision[] };

  constructor(readonly dir: string) {}

  static of(dataDir: string): RepairDecisionStore {
    return new RepairDecisionStore(join(dataDir, 'decisions'));
  }

  get file(): string {
    return join(this.dir, 'id-repairs.jsonl');
  }

  /** Every decision in the order made. */
  all(): RepairDecision[] {
    if (!existsSync(this.file)) return [];
    const info = statSync(this.file);
    if (this.cached?.size === info.size && this.cached.mtimeMs === info.mtimeMs) return this.cached.decisions;
    const decisions = readFileSync(this.file, 'utf8').split('\n').filter((line) => line.trim())
      .map((line, i) => {
        try {
          return JSON.parse(line) as RepairDecision;
        } catch {
          throw new Error(`${this.file}: line ${i + 1} is not a JSON decision`);
        }
      });
    this.cached = { size: info.size, mtimeMs: info.mtimeMs, decisions };
    return decisions;
  }

  /** The standing decision per repair of a period (the latest). */
  latest(period: string): Map<string, RepairDecision> {
    const out = new Map<string, RepairDecision>();
    for (const d of this.all()) if (d.period === period) out.set(d.repair_id, d);
    return out;
  }

  private async lock(): Promise<() => void> {
    mkdirSync(this.dir, { recursive: true });
    const lockFile = join(this.dir, 'id-repairs.lock');
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        const fd = openSync(lockFile, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return () => rmSync(lockFile, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(lockFile, 'utf8') || 0);
        if (holder > 0 && !pidAlive(holder)) rmSync(lockFile, { force: true });
        else await sleep(10);
      }
    }
    throw new Error(`the repair decisions are locked (${lockFile}); is another process stuck?`);
  }

  async record(decision: RepairDecision): Promise<RepairDecision> {
    const release = await this.lock();
    try {
      // One write of one whole line: a reader never sees half a decision.
      appendFileSync(this.file, `${JSON.stringify(decision)}\n`);
      this.cached = undefined;
      return decision;
    } finally {
      release();
    }
  }
}
