/**
 * A cross-check finding, and the file each period's findings are exported to so that the API
 * (which never opens the warehouse) can serve them: DIR/cases/findings/<period>.json, replaced
 * atomically.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeJsonAtomic } from '../store/fileLock.js';
import { join } from 'node:path';

export interface Finding {
  period: string;
  rule: string;
  caseId: string;
  caseKey: string;
  subjectType: 'person' | 'entity' | 'penalty';
  subjectId: string | null;
  subjectName: string | null;
  reason: string | null;
  months: string[];
  amount: number | null;
  summary: string;
  evidence: Record<string, unknown>;
}

export interface PeriodFindings {
  period: string;
  rules: Array<{ rule: string; findings: number }>;
  findings: Finding[];
}

export function casesDir(dataDir: string): string {
  return join(dataDir, 'cases');
}

function findingsDir(dataDir: string): string {
  return join(casesDir(dataDir), 'findings');
}

export function writePeriodFindings(dataDir: string, findings: PeriodFindings): string {
  const dir = findingsDir(dataDir);
  const file = join(dir, `${findings.period}.json`);
  writeJsonAtomic(file, findings, 0);
  return file;
}

const cache = new Map<string, { stamp: string; parsed: PeriodFindings }>();

/** The period's findings, re-read only when the file was replaced. */
export function readPeriodFindings(dataDir: string, period: string): PeriodFindings | undefined {
  const file = join(findingsDir(dataDir), `${period}.json`);
  if (!existsSync(file)) return undefined;
  const info = statSync(file);
  const stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.parsed;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as PeriodFindings;
  cache.set(file, { stamp, parsed });
  return parsed;
}

/** The periods with exported findings, oldest first. */
export function findingPeriods(dataDir: string): string[] {
  const dir = findingsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^\d{4}-\d{2}\.json$/.test(f)).map((f) => f.slice(0, 7)).sort();
}
