/**
 * Application decisions, append-only and locked (DIR/applications/decisions.jsonl): the API
 * processes and the CLI record each decision with its facts and sources; nothing is rewritten.
 */
import { join } from 'node:path';
import { AppendLog } from '../store/appendLog.js';
import type { ApplicationDecision } from './reviewApplication.js';

export class DecisionStore {
  private readonly log: AppendLog<ApplicationDecision>;

  constructor(dataDir: string) {
    this.log = new AppendLog<ApplicationDecision>(join(dataDir, 'applications', 'decisions.jsonl'));
  }

  async record(decision: ApplicationDecision): Promise<void> {
    await this.log.append(() => [decision]);
  }

  get(id: string): ApplicationDecision | undefined {
    return this.log.read().find((d) => d.id === id);
  }

  list(): readonly ApplicationDecision[] {
    return this.log.read();
  }
}
