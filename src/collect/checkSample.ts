/**
 * `dx connectors check`: a manifest tried on a department's sample file before it goes live
 * (Airbyte's check/discover). The sample is collected and checked for real, in a throwaway
 * warehouse, so what it shows is exactly what the cycle would do: the header, the first rows
 * as mapped, the columns nobody maps, and the rows that would be quarantined or filtered, why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { quotedIdentifier as ident } from '@duckdb/node-api';
import { checkPeriod, type RuleResult } from '../check/runChecks.js';
import type { Connector } from '../connectors/manifest.js';
import { describeFilter } from '../connectors/rowFilter.js';
import { Warehouse } from '../store/warehouse.js';
import { collectBatch, type BatchResult } from './collectBatch.js';
import { canonicalColumns } from './canonicalTables.js';
import { mappedColumns } from './rawSources.js';
import { sampleHeader } from './sampleHeader.js';

export interface SampleCheck {
  manifest: string;
  file: string;
  period: string;
  header: string[];
  unmapped: string[];
  batch?: BatchResult;
  /** Why the file cannot be read at all. */
  error?: string;
  rows: Array<Record<string, unknown>>;
  quarantined: Array<{ line: number; field: string | null; reason: string }>;
  filter?: string;
  rules: RuleResult[];
  problems: string[];
}

const SHOWN_ROWS = 5;
const SHOWN_QUARANTINE = 20;

async function loadedRows(warehouse: Warehouse, connector: Connector): Promise<Array<Record<string, unknown>>> {
  const columns = ['_line', '_reference_period', ...canonicalColumns(connector).filter((c) => c.source === 'value').map((c) => c.name)];
  return warehouse.all(`SELECT ${columns.map((c) => `CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`).join(', ')} FROM ${ident(connector.schema.table)} ORDER BY ${ident(connector.schema.table)}._line LIMIT ${SHOWN_ROWS}`);
}

/** Collect and check `samplePath` through `connector` for `period`; nothing outside a temporary folder is touched. */
export async function checkSample(connector: Connector, samplePath: string, period: string): Promise<SampleCheck> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dx-connectors-check-'));
  const file = basename(samplePath);
  const result: SampleCheck = { manifest: connector.manifestFile, file, period, header: [], unmapped: [], rows: [], quarantined: [], rules: [], problems: [] };
  if (connector.filter) result.filter = describeFilter(connector.filter);
  const warehouse = await Warehouse.open(dataDir, { memoryLimit: '1GB' });
  try {
    result.header = await sampleHeader(warehouse, connector, samplePath);
    const mapped = new Set(mappedColumns(connector));
    result.unmapped = result.header.filter((h) => !mapped.has(h));
    try {
      result.batch = await collectBatch(warehouse, connector, period, dirname(samplePath), [file]);
    } catch (error) {
      result.error = (error as Error).message;
      result.problems.push(result.error);
      return result;
    }
    result.rows = await loadedRows(warehouse, connector);
    result.quarantined = await warehouse.all(`SELECT line, field, reason FROM quarantine ORDER BY line LIMIT ${SHOWN_QUARANTINE}`);
    result.rules = (await checkPeriod(warehouse, [connector], period, 1)).get(connector.id) ?? [];
    const b = result.batch;
    if (b.rowsQuarantined > 0) result.problems.push(`${b.rowsQuarantined} of ${b.rowsRead} rows would be quarantined`);
    if (b.rowsRead > 0 && b.rowsFiltered === b.rowsRead) result.problems.push('the filter leaves out every row');
    for (const r of result.rules.filter((x) => x.status === 'error' && x.ruleId !== 'readable')) result.problems.push(`rule ${r.ruleId} fails: ${r.failedRows} of ${r.checkedRows}${r.message ? ` (${r.message})` : ''}`);
    return result;
  } finally {
    warehouse.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
