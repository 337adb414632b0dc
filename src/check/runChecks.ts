/**
 * Check: run every connector's rules over its batch for the period, inside DuckDB, and keep
 * the verdict per rule and the failing rows per rule (file and line) for the drill-down.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { Connector } from '../connectors/manifest.js';
import type { Warehouse } from '../store/warehouse.js';
import { rulesFor, ruleStatus, type Rule, type RuleStatus } from './rules.js';
import { measureControlTotals, measureDelivery, measureFilter } from './deliveryRules.js';
import { dropReferenceMonth } from '../connectors/referencePeriod.js';
import { traced } from '../trace.js';

export interface RuleResult {
  ruleId: string;
  kind: Rule['kind'];
  field: string | null;
  severity: Rule['severity'];
  status: RuleStatus;
  checkedRows: number;
  failedRows: number;
  failureRatio: number;
  message: string | null;
}

interface BatchRow {
  batch_id: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  rows_filtered: number;
}

/** Last day of the period, e.g. 2026-11-30. */
export function periodEnd(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

export function previousPeriod(period: string, months = 1): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(year, month - 1 - months, 1));
  return d.toISOString().slice(0, 7);
}

interface Measured {
  checked: number;
  failed: number;
  message?: string | null;
  skipped?: boolean;
}

/**
 * Every row rule of a batch in one scan: the rows failing any rule are read once, and each
 * failure becomes a check_failures row. Returns the failures per rule.
 */
async function measureRowRules(warehouse: Warehouse, table: string, rules: Rule[], batch: BatchRow, period: string, connector: string): Promise<Map<string, number>> {
  const rowRules = rules.filter((r) => r.row);
  if (rowRules.length === 0) return new Map();
  const failures = rowRules.map((r) => `CASE WHEN (${r.row!.failing}) THEN {'rule_id': ${str(r.id)}, 'value': CAST((${r.row!.value}) AS VARCHAR), 'detail': CAST((${r.row!.detail}) AS VARCHAR)} END`);
  const sql = `INSERT INTO check_failures
    SELECT $batch_id, $period, $connector, f.rule_id, _file, _line, f.value, f.detail FROM (
      SELECT _file, _line, unnest([${failures.join(',\n        ')}]) AS f
      FROM ${ident(table)} WHERE _batch_id = $batch_id AND (${rowRules.map((r) => `(${r.row!.failing})`).join(' OR ')})
    ) WHERE f IS NOT NULL`;
  await warehouse.run(sql, { batch_id: batch.batch_id, period, connector, ...(sql.includes('$period_end') ? { period_end: periodEnd(period) } : {}) });
  const counts = await warehouse.all<{ rule_id: string; n: number }>(`SELECT rule_id, count(*) AS n FROM check_failures WHERE batch_id = ? GROUP BY rule_id`, [batch.batch_id]);
  return new Map(counts.map((c) => [c.rule_id, c.n]));
}

async function measureUnique(warehouse: Warehouse, table: string, rule: Rule, keys: string[], batch: BatchRow, period: string, connector: string): Promise<Measured> {
  const key = keys.map((k) => `CAST(${ident(k)} AS VARCHAR)`).join(` || '|' || `);
  // Every occurrence after the first is a failure, pointing at the line it repeats.
  const failed = await warehouse.change(
    `INSERT INTO check_failures
     SELECT $batch_id, $period, $connector, $rule_id, _file, _line, k, 'duplicate of ' || first_file || ' line ' || first_line FROM (
       SELECT _file, _line, ${key} AS k,
              first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line, row_number() OVER w AS n
       FROM ${ident(table)} WHERE _batch_id = $batch_id AND ${keys.map((k) => `${ident(k)} IS NOT NULL`).join(' AND ')}
       WINDOW w AS (PARTITION BY ${key} ORDER BY _file, _line)
     ) WHERE n > 1`,
    { batch_id: batch.batch_id, period, connector, rule_id: rule.id },
  );
  return { checked: batch.rows_loaded, failed };
}

async function measureReference(warehouse: Warehouse, table: string, rule: Rule, batch: BatchRow, period: string, connector: string): Promise<Measured> {
  const target = rule.references!;
  const exists = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?`, [target.table]);
  const loaded = exists?.n ? await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${ident(target.table)} WHERE _period = ?`, [period]) : undefined;
  if (!loaded?.n) return { checked: 0, failed: 0, skipped: true, message: `${target.table} has no rows for ${period}: cannot check` };
  const c = ident(rule.field!);
  const failed = await warehouse.change(
    `INSERT INTO check_failures SELECT $batch_id, $period, $connector, $rule_id, t._file, t._line, CAST(t.${c} AS VARCHAR), 'not in ${target.table}'
     FROM ${ident(table)} t WHERE t._batch_id = $batch_id AND t.${c} IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ${ident(target.table)} r WHERE r._period = $period AND r.${ident(target.field)} = t.${c})`,
    { batch_id: batch.batch_id, period, connector, rule_id: rule.id },
  );
  return { checked: batch.rows_loaded, failed };
}

/** The months a batch's rows describe, as its drop's reference period names them (e.g. "2026-10 (drop 2026-11)"). */
function describedMonth(connector: Connector, period: string): string {
  const month = dropReferenceMonth(connector.referencePeriod, period);
  return month === period ? period : `${month} (drop ${period})`;
}

async function measureDrift(warehouse: Warehouse, connector: Connector, batch: BatchRow, period: string): Promise<Measured & { ratio: number }> {
  // The previous batch of the same connector describes the month before (with the same lag), so batches compare as they are.
  const previous = await warehouse.one<{ period: string; rows_loaded: number }>(
    `SELECT period, rows_loaded FROM batches WHERE connector = ? AND period < ? ORDER BY period DESC LIMIT 1`,
    [connector.id, period],
  );
  if (!previous) return { checked: batch.rows_loaded, failed: 0, ratio: 0, message: 'no previous period to compare with' };
  const change = batch.rows_loaded - previous.rows_loaded;
  const ratio = previous.rows_loaded === 0 ? (batch.rows_loaded === 0 ? 0 : 1) : Math.abs(change) / previous.rows_loaded;
  return { checked: batch.rows_loaded, failed: Math.abs(change), ratio, message: `${previous.rows_loaded} rows for ${describedMonth(connector, previous.period)}, ${batch.rows_loaded} for ${describedMonth(connector, period)} (${change >= 0 ? '+' : ''}${change})` };
}

async function measureFreshness(warehouse: Warehouse, table: string, connector: Connector, batch: BatchRow, period: string): Promise<Measured & { ratio: number }> {
  const fresh = connector.freshness!;
  const latest = await warehouse.one<{ latest: string | null }>(
    `SELECT strftime(max(CAST(${ident(fresh.field)} AS DATE)), '%Y-%m') AS latest FROM (
       SELECT CASE WHEN length(CAST(${ident(fresh.field)} AS VARCHAR)) = 7 THEN CAST(${ident(fresh.field)} AS VARCHAR) || '-01' ELSE CAST(${ident(fresh.field)} AS VARCHAR) END AS ${ident(fresh.field)}
       FROM ${ident(table)} WHERE _batch_id = ?)`,
    [batch.batch_id],
  );
  // A file that describes the month before its drop (月初归集) is fresh when it reaches that month.
  const due = previousPeriod(dropReferenceMonth(connector.referencePeriod, period), fresh.maxLagMonths);
  const stale = !latest?.latest || latest.latest < due;
  return { checked: 1, failed: stale ? 1 : 0, ratio: stale ? 1 : 0, message: `latest ${fresh.field} is ${latest?.latest ?? 'absent'}; ${due} or later expected` };
}

async function evaluate(warehouse: Warehouse, connector: Connector, rule: Rule, batch: BatchRow, period: string, rowFailures: Map<string, number>): Promise<Measured & { ratio?: number }> {
  const table = connector.schema.table;
  switch (rule.kind) {
    case 'readable': return { checked: batch.rows_read - (batch.rows_filtered ?? 0), failed: batch.rows_quarantined };
    case 'delivery': return measureDelivery(batch);
    case 'control': return measureControlTotals(warehouse, batch.batch_id);
    case 'filter': return measureFilter(connector, batch);
    case 'unique': return measureUnique(warehouse, table, rule, connector.schema.key, batch, period, connector.id);
    case 'reference': return measureReference(warehouse, table, rule, batch, period, connector.id);
    case 'drift': return measureDrift(warehouse, connector, batch, period);
    case 'freshness': return measureFreshness(warehouse, table, connector, batch, period);
    default: return { checked: batch.rows_loaded, failed: rowFailures.get(rule.id) ?? 0 };
  }
}

/** Run the connector's rules over its batch for the period; replaces earlier results of that batch. */
export async function checkBatch(warehouse: Warehouse, connector: Connector, period: string, rules: Rule[]): Promise<RuleResult[] | null> {
  const batch = await warehouse.one<BatchRow>(`SELECT batch_id, rows_read, rows_loaded, rows_quarantined, coalesce(rows_filtered, 0) AS rows_filtered FROM batches WHERE period = ? AND connector = ?`, [period, connector.id]);
  if (!batch) return null;
  await warehouse.run(`DELETE FROM check_failures WHERE batch_id = ?`, [batch.batch_id]);
  await warehouse.run(`DELETE FROM check_results WHERE batch_id = ?`, [batch.batch_id]);
  const results: RuleResult[] = [];
  const rowFailures = await traced(`${connector.id} row rules`, () => measureRowRules(warehouse, connector.schema.table, rules, batch, period, connector.id));
  for (const rule of rules) {
    const measured = await traced(`${connector.id} ${rule.id}`, () => evaluate(warehouse, connector, rule, batch, period, rowFailures));
    const ratio = measured.ratio ?? (measured.checked === 0 ? 0 : measured.failed / measured.checked);
    const status: RuleStatus = measured.skipped ? 'skipped' : ruleStatus(rule, ratio);
    const result: RuleResult = {
      ruleId: rule.id, kind: rule.kind, field: rule.field ?? null, severity: rule.severity, status,
      checkedRows: measured.checked, failedRows: measured.failed, failureRatio: ratio, message: measured.message ?? null,
    };
    results.push(result);
    await warehouse.run(`INSERT INTO check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      batch.batch_id, period, connector.id, rule.id, rule.kind, rule.field ?? null, rule.severity, status,
      measured.checked, measured.failed, ratio, rule.warnAbove, rule.errorAbove, rule.description, measured.message ?? null,
    ]);
  }
  return results;
}

/**
 * Check every connector's batch for the period, `concurrency` batches at a time on their own
 * connections (each batch's results are its own rows). Rules reference other datasets by schema name.
 */
export async function checkPeriod(warehouse: Warehouse, connectors: Connector[], period: string, concurrency = 2, onChecked?: (done: number, total: number) => void): Promise<Map<string, RuleResult[] | null>> {
  const tables = new Map(connectors.map((c) => [c.schema.name, c.schema.table]));
  const rules = new Map(connectors.map((c) => [c.id, rulesFor(c, (s) => tables.get(s))]));
  const out = new Map<string, RuleResult[] | null>();
  const queue = [...connectors];
  const worker = async (connection: Warehouse) => {
    for (let connector = queue.shift(); connector; connector = queue.shift()) {
      out.set(connector.id, await checkBatch(connection, connector, period, rules.get(connector.id)!));
      onChecked?.(out.size, connectors.length);
    }
  };
  const forks = await Promise.all(Array.from({ length: Math.max(0, concurrency - 1) }, () => warehouse.fork()));
  try {
    await warehouse.sideBySide(concurrency, () => Promise.all([warehouse, ...forks].map(worker)));
  } finally {
    for (const fork of forks) fork.close();
  }
  return new Map(connectors.map((c) => [c.id, out.get(c.id) ?? null]));
}
