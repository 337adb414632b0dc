/**
 * The API's side of the steward reports: DIR/reports/<period>.duckdb files opened read-only and
 * kept open while they stay the same file. The export replaces a file by renaming a new one over
 * it; the next request sees the new inode and opens that, and the old one is closed a while
 * later, once requests that started on it are done.
 */
import { openDuckDB } from '../store/duckdb.js';
import { readdirSync, statSync } from 'node:fs';
import { DuckDBInstance, quotedIdentifier as ident, type DuckDBValue } from '@duckdb/node-api';
import { PERIOD_PATTERN, reportFile, reportsDir, type StewardSummary } from './stewardReport.js';

/** The row tables of a report and the filters each may be paged by. */
export const REPORT_TABLES = {
  quarantine: ['department', 'connector', 'file', 'stage', 'field'],
  failures: ['department', 'connector', 'rule_id', 'file'],
  conflicts: ['kind', 'subject_type', 'authority', 'other_department', 'subject_id'],
  id_resolutions: ['department', 'connector', 'status', 'dataset', 'repair_id'],
  orphans: ['department', 'dataset', 'subject_type'],
} as const;
export type ReportTable = keyof typeof REPORT_TABLES;

export interface Page<T = Record<string, unknown>> {
  total: number;
  offset: number;
  limit: number;
  rows: T[];
}

interface OpenReport {
  ino: number;
  mtimeMs: number;
  instance: DuckDBInstance;
  summary: StewardSummary;
}

const RETIRE_AFTER_MS = 60_000;

function plain(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

export class ReportNotFoundError extends Error {}

export class StewardReportFiles {
  private readonly open = new Map<string, OpenReport>();
  private readonly retiring = new Map<ReturnType<typeof setTimeout>, OpenReport>();

  constructor(readonly dataDir: string) {}

  /** Periods with an exported report, newest first. */
  periods(): string[] {
    let names: string[];
    try {
      names = readdirSync(reportsDir(this.dataDir));
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.duckdb') && PERIOD_PATTERN.test(n.slice(0, -7))).map((n) => n.slice(0, -7)).sort().reverse();
  }

  private async report(period: string): Promise<OpenReport> {
    if (!PERIOD_PATTERN.test(period)) throw new ReportNotFoundError(`"${period}" is not a period (YYYY-MM)`);
    const file = reportFile(this.dataDir, period);
    let info;
    try {
      info = statSync(file);
    } catch {
      throw new ReportNotFoundError(`no steward report for ${period}: the cycle exports one after check, govern and publish`);
    }
    const cached = this.open.get(period);
    if (cached && cached.ino === info.ino && cached.mtimeMs === info.mtimeMs) return cached;
    const instance = await openDuckDB(file, { access_mode: 'READ_ONLY', threads: '1' });
    const connection = await instance.connect();
    try {
      const rows = (await connection.runAndReadAll('SELECT doc FROM summary')).getRowObjectsJS();
      const report: OpenReport = { ino: info.ino, mtimeMs: info.mtimeMs, instance, summary: JSON.parse(String(rows[0]?.doc)) as StewardSummary };
      if (cached) this.retire(cached);
      this.open.set(period, report);
      return report;
    } finally {
      connection.closeSync();
    }
  }

  private retire(report: OpenReport): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      report.instance.closeSync();
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retiring.set(timer, report);
  }

  async summary(period: string): Promise<StewardSummary> {
    return (await this.report(period)).summary;
  }

  /** One page of a row table, filtered by exact values of its filter columns. */
  async page(period: string, table: ReportTable, filters: Partial<Record<string, string>>, offset: number, limit: number): Promise<Page> {
    const { instance } = await this.report(period);
    const conditions: string[] = [];
    const params: Record<string, DuckDBValue> = {};
    (REPORT_TABLES[table] as readonly string[]).forEach((column, i) => {
      const value = filters[column];
      if (value === undefined || value === '') return;
      conditions.push(`${ident(column)} = $f${i}`);
      params[`f${i}`] = value;
    });
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const connection = await instance.connect();
    try {
      const total = (await connection.runAndReadAll(`SELECT count(*) AS n FROM ${ident(table)} ${where}`, params)).getRowObjectsJS()[0]!.n;
      // rowid keeps the export's order (the files are written sorted and never changed).
      const rows = (await connection.runAndReadAll(`SELECT * FROM ${ident(table)} ${where} ORDER BY rowid LIMIT ${Number(limit)} OFFSET ${Number(offset)}`, params))
        .getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
      return { total: Number(total), offset, limit, rows };
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    for (const [timer, report] of this.retiring) {
      clearTimeout(timer);
      report.instance.closeSync();
    }
    this.retiring.clear();
    for (const report of this.open.values()) report.instance.closeSync();
    this.open.clear();
  }
}
