/**
 * Cross-check a governed period: run every rule, keep its findings in the warehouse (replacing
 * the period's), export them for the API, and open a case for every finding that has none.
 * Idempotent: a second run of a period gives the same findings and opens no case twice.
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
import { CaseStore } from '../cases/caseStore.js';
import type { Warehouse } from '../store/warehouse.js';
import { readPipelineSql } from '../store/warehouse.js';
import { RoleError, requireRoles } from '../govern/roles.js';
import { crossCheckModels, crossCheckRules } from './crossCheckRules.js';
import { writePeriodFindings, type Finding } from './findings.js';

export interface CrossCheckProgress {
  rule: string;
  findings: number;
}

export interface CrossCheckResult {
  period: string;
  /** `error`: the rule did not run, e.g. a role it needs that no manifest supplied. */
  rules: Array<CrossCheckProgress & { millis: number; error?: string }>;
  findings: number;
  casesOpened: number;
  findingsFile: string;
}

/** Bind only the parameters a statement uses (DuckDB refuses unused ones). */
function paramsFor(sql: string, all: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(all).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
}

async function requireGoverned(warehouse: Warehouse, period: string): Promise<void> {
  const governed = await warehouse.one(`SELECT 1 AS ok FROM governed_periods WHERE period = ?`, [period]);
  if (!governed) throw new Error(`period ${period} has not been governed; run the cycle first`);
  const missing = await warehouse.one<{ n: number }>(
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name IN ('death_evidence', 'pension_payments', 'subsidy_payments', 'penalties')`);
  if ((missing?.n ?? 0) < 4) throw new Error(`period ${period} was governed by an older version; govern it again (dx cycle --period ${period})`);
}

/** Who played which role when the period was governed. */
async function periodRoles(warehouse: Warehouse, period: string): Promise<Array<{ role: string }>> {
  const roles = await warehouse.all<{ role: string }>(`SELECT role FROM period_roles WHERE period = ?`, [period]);
  if (roles.length === 0) throw new Error(`period ${period} was governed by an older version (no roles recorded); govern it again (dx cycle --period ${period})`);
  return roles;
}

/** Why a rule cannot run for the period, or undefined. */
function unmetRoles(rule: { file: string; roles: string[] }, players: Array<{ role: string }>): string | undefined {
  try {
    requireRoles(rule.file, rule.roles, players);
    return undefined;
  } catch (error) {
    if (error instanceof RoleError) return error.message;
    throw error;
  }
}

interface FindingRow {
  rule: string; case_id: string; case_key: string; subject_type: Finding['subjectType']; subject_id: string | null; subject_name: string | null;
  reason: string | null; months: string[] | null; amount: number | string | null; summary: string | null; evidence: string | null;
}

async function periodFindings(warehouse: Warehouse, period: string): Promise<Finding[]> {
  const rows = await warehouse.all<FindingRow>(
    `SELECT rule, case_id, case_key, subject_type, subject_id, subject_name, reason, months, CAST(amount AS DOUBLE) AS amount, summary, evidence
     FROM crosscheck_findings WHERE period = ? ORDER BY rule, case_key`, [period]);
  return rows.map((r) => ({
    period, rule: r.rule, caseId: r.case_id, caseKey: r.case_key, subjectType: r.subject_type, subjectId: r.subject_id, subjectName: r.subject_name,
    reason: r.reason, months: r.months ?? [], amount: r.amount === null ? null : Number(r.amount), summary: r.summary ?? '',
    evidence: r.evidence ? (JSON.parse(r.evidence) as Record<string, unknown>) : {},
  }));
}

export async function crossCheckPeriod(
  warehouse: Warehouse, period: string, options: { onProgress?: (p: CrossCheckProgress) => void } = {},
): Promise<CrossCheckResult> {
  for (const statement of readPipelineSql('warehouse/crosschecks.sql')) await warehouse.run(statement);
  await requireGoverned(warehouse, period);
  const players = await periodRoles(warehouse, period);
  const params = { period };
  for (const model of crossCheckModels()) {
    await warehouse.run(`CREATE OR REPLACE TEMP TABLE ${ident(model.name)} AS ${model.sql}`, paramsFor(model.sql, params));
  }
  const rules: CrossCheckResult['rules'] = [];
  await warehouse.transaction(async () => {
    await warehouse.run(`DELETE FROM crosscheck_findings WHERE period = ?`, [period]);
    await warehouse.run(`DELETE FROM crosscheck_runs WHERE period = ?`, [period]);
    for (const rule of crossCheckRules()) {
      const error = unmetRoles(rule, players);
      if (error) {
        await warehouse.run(`INSERT INTO crosscheck_runs (period, rule, findings, ran_at, millis, error) VALUES (?, ?, 0, now(), 0, ?)`, [period, rule.name, error]);
        rules.push({ rule: rule.name, findings: 0, millis: 0, error });
        options.onProgress?.({ rule: rule.name, findings: 0 });
        continue;
      }
      const started = Date.now();
      const findings = await warehouse.change(
        `INSERT INTO crosscheck_findings BY NAME
         SELECT CAST($period AS VARCHAR) AS period, CAST($rule AS VARCHAR) AS rule, 'C' || substr(sha256(f.case_key), 1, 12) AS case_id, f.*
         FROM (${rule.sql}) AS f`, { ...paramsFor(rule.sql, params), period, rule: rule.name });
      const millis = Date.now() - started;
      await warehouse.run(`INSERT INTO crosscheck_runs (period, rule, findings, ran_at, millis) VALUES (?, ?, ?, now(), ?)`, [period, rule.name, findings, millis]);
      rules.push({ rule: rule.name, findings, millis });
      options.onProgress?.({ rule: rule.name, findings });
    }
  });
  const findings = await periodFindings(warehouse, period);
  const findingsFile = writePeriodFindings(warehouse.dataDir, { period, rules: rules.map(({ rule, findings: n }) => ({ rule, findings: n })), findings });
  const opened = await new CaseStore(warehouse.dataDir).openCases(findings, 'crosscheck');
  return { period, rules, findings: findings.length, casesOpened: opened, findingsFile };
}
