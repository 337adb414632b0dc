/**
 * Control totals (校核): the row count and amount sums a department declares beside its data,
 * read from a control file (the manifest's delivery.control.glob, covering the batch) or a
 * sidecar `<data file>.control.json` (covering that file), and compared exactly with what
 * arrived. The comparison is kept per measure in batch_controls; the check step turns it into
 * the control_totals rule, an error that holds the period back from publishing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { quotedIdentifier as ident } from '@duckdb/node-api';
import type { Connector } from '../connectors/manifest.js';
import type { Warehouse } from '../store/warehouse.js';
import { splitCsvLine } from './csvLine.js';
import { valueColumn } from './fieldExpressions.js';
import { matchSourceFiles } from './sourceFiles.js';

export interface ControlRow {
  file: string;
  controlFile: string | null;
  measure: string;
  declared: string | null;
  actual: string;
  problem: string | null;
}

/** What one data file (or the whole batch) delivered, for comparison. */
export interface Delivered {
  file: string;
  rowsRead: number;
  typedTables: string[];
}

/** The control files a batch's data files must not be mistaken for. */
export function controlFilesOf(connector: Connector, dropDir: string, period: string): string[] {
  const glob = connector.delivery.control?.glob;
  return glob ? matchSourceFiles(dropDir, glob, period) : [];
}

function readControlFile(path: string, shown: string): Record<string, string> | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return `${shown}: cannot be read (${(error as Error).message})`;
  }
  if (shown.endsWith('.json')) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      if (!json || typeof json !== 'object' || Array.isArray(json)) return `${shown}: not one JSON object`;
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
    } catch (error) {
      return `${shown}: not valid JSON (${(error as Error).message})`;
    }
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return `${shown}: expected a header line and one line of totals`;
  const header = splitCsvLine(lines[0]!).map((c) => c.trim());
  const values = splitCsvLine(lines[1]!).map((c) => c.trim());
  return Object.fromEntries(header.map((h, i) => [h, values[i] ?? '']));
}

/** An amount as whole cents, or null: "1,234.5", "¥1234.50" and "1234.50元" are the same amount. */
export function cents(text: string): bigint | null {
  const clean = text.replace(/[,，\s¥￥元]/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!m) return null;
  const value = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -value : value;
}

function compare(file: string, controlFile: string, measure: string, declared: string | undefined, actual: string, key: string): ControlRow {
  if (declared === undefined || declared === '') {
    return { file, controlFile, measure, declared: null, actual, problem: `${controlFile} has no "${key}"` };
  }
  const same = measure === 'rows' ? /^\d+$/.test(declared.replace(/[,\s]/g, '')) && BigInt(declared.replace(/[,\s]/g, '')) === BigInt(actual) : cents(declared) !== null && cents(declared) === cents(actual);
  const what = measure === 'rows' ? 'data rows' : `the sum of ${measure.slice(4)} over the rows loaded`;
  return { file, controlFile, measure, declared, actual, problem: same ? null : `${controlFile} declares ${declared} for ${what}; ${actual} arrived` };
}

async function sumOf(warehouse: Warehouse, connector: Connector, field: string, typedTables: string[]): Promise<string> {
  const reader = connector.readers.find((r) => r.field.name === field)!;
  const v = ident(valueColumn(reader));
  const parts = typedTables.map((t) => `SELECT ${v} AS v FROM ${ident(t)} WHERE __error IS NULL AND NOT __filtered`);
  const row = await warehouse.one<{ total: string }>(`SELECT CAST(coalesce(sum(v), 0) AS DECIMAL(18,2))::VARCHAR AS total FROM (${parts.join(' UNION ALL ')})`);
  return row?.total ?? '0.00';
}

/** Compare what was delivered with the declared totals: one row per measure (none when the manifest declares none). */
export async function compareControlTotals(warehouse: Warehouse, connector: Connector, dropDir: string, period: string, files: Delivered[]): Promise<ControlRow[]> {
  const control = connector.delivery.control;
  if (!control) return [];
  const rowsKey = control.rows ?? 'rows';
  const scopes: Array<{ scope: string; controlFile: string | undefined; delivered: Delivered[] }> = control.glob
    ? [{ scope: '*', controlFile: controlFilesOf(connector, dropDir, period)[0], delivered: files }]
    : files.map((f) => ({ scope: f.file, controlFile: existsSync(join(dropDir, `${f.file}.control.json`)) ? `${f.file}.control.json` : undefined, delivered: [f] }));
  const out: ControlRow[] = [];
  for (const { scope, controlFile, delivered } of scopes) {
    const rows = String(delivered.reduce((s, f) => s + f.rowsRead, 0));
    if (!controlFile) {
      const expected = control.glob ?? `${scope}.control.json`;
      out.push({ file: scope, controlFile: null, measure: 'rows', declared: null, actual: rows, problem: control.required === false ? null : `no control file ${expected} was delivered` });
      continue;
    }
    const values = readControlFile(join(dropDir, controlFile), controlFile);
    if (typeof values === 'string') {
      out.push({ file: scope, controlFile, measure: 'rows', declared: null, actual: rows, problem: values });
      continue;
    }
    out.push(compare(scope, controlFile, 'rows', values[rowsKey], rows, rowsKey));
    for (const [field, key] of Object.entries(control.sums ?? {})) {
      out.push(compare(scope, controlFile, `sum:${field}`, values[key], await sumOf(warehouse, connector, field, delivered.flatMap((d) => d.typedTables)), key));
    }
  }
  return out;
}
