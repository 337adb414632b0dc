/**
 * Quality rules for a connector's batch, derived from its canonical JSON Schema (required,
 * pattern, enum, minimum/maximum, length, format) plus the domain's own (identifier checks,
 * key uniqueness, references between datasets, row-count drift, freshness, readability).
 * Each rule is strong (error: holds the period back from publishing above its threshold) or
 * weak (warn: reported), with thresholds a manifest can override, as DataWorks has them.
 */
import { quotedIdentifier as ident, quotedString as str } from '@duckdb/node-api';
import type { Connector, RuleOverride } from '../connectors/manifest.js';
import { ManifestError } from '../connectors/manifest.js';
import type { CanonicalField } from '../schemas/canonicalSchemas.js';

export type RuleKind = 'readable' | 'required' | 'format' | 'enum' | 'pattern' | 'range' | 'length' | 'unique' | 'reference' | 'drift' | 'freshness' | 'delivery' | 'control' | 'filter';

export interface RowRule {
  /** SQL over the canonical table: true for failing rows. */
  failing: string;
  /** The failing value, as text. */
  value: string;
  /** Why it fails, as text (may be a constant). */
  detail: string;
}

export interface Rule {
  id: string;
  kind: RuleKind;
  field?: string;
  description: string;
  severity: 'error' | 'warn';
  warnAbove: number;
  errorAbove: number;
  /** Row rules are evaluated per row; the others (readable, drift, freshness, unique, reference) have their own evaluation. */
  row?: RowRule;
  references?: { table: string; field: string };
}

type Defaults = Pick<Rule, 'severity' | 'warnAbove' | 'errorAbove'>;

const STRONG: Defaults = { severity: 'error', warnAbove: 0, errorAbove: 0 };
const TOLERANT: Defaults = { severity: 'error', warnAbove: 0, errorAbove: 0.01 };
const WEAK: Defaults = { severity: 'warn', warnAbove: 0, errorAbove: 1 };

function sqlNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : 'NULL';
}

function formatRule(field: CanonicalField, column: string): Rule | null {
  const original = ident(`${field.name}_original`);
  const base = { kind: 'format' as const, field: field.name, id: `format:${field.name}` };
  switch (field.format) {
    case 'cn-resident-id':
      return {
        ...base,
        // Mistyped numbers are expected in small numbers (stewards repair them); many mean a broken extract.
        severity: 'error', warnAbove: 0, errorAbove: 0.05,
        description: `${field.name} is a valid GB 11643 ID number (length, digits, province, birth date, check character)`,
        row: { failing: `${column} IS NOT NULL AND dx_resident_id_problem(${column}, CAST($period_end AS DATE)) IS NOT NULL`, value: original, detail: `dx_resident_id_problem(${column}, CAST($period_end AS DATE))` },
      };
    case 'cn-uscc':
      return {
        // Registered codes from the 2015-2016 pilot years fail the check: a finding, never a block.
        ...base, ...WEAK,
        description: `${field.name} is a valid GB 32100 Unified Social Credit Code`,
        row: { failing: `${column} IS NOT NULL AND dx_uscc_problem(${column}) IS NOT NULL`, value: original, detail: `dx_uscc_problem(${column})` },
      };
    case 'cn-disability-certificate':
      return {
        ...base, ...WEAK,
        description: `${field.name} is an ID number followed by a category and a grade digit`,
        row: { failing: `${column} IS NOT NULL AND dx_disability_certificate_problem(${column}) IS NOT NULL`, value: original, detail: `dx_disability_certificate_problem(${column})` },
      };
    default:
      return null;
  }
}

/** Rules the field's JSON Schema keywords imply; `departmentPattern` is the manifest's layout of a department-defined field. */
function fieldRules(field: CanonicalField, key: string[], departmentPattern?: string): Rule[] {
  const c = ident(field.name);
  const text = `CAST(${c} AS VARCHAR)`;
  const rules: Rule[] = [];
  if (field.required) {
    rules.push({
      id: `required:${field.name}`, kind: 'required', field: field.name, ...(key.includes(field.name) ? STRONG : TOLERANT),
      description: `${field.name} is present`,
      row: { failing: `${c} IS NULL`, value: 'NULL', detail: `'missing'` },
    });
  }
  // A department's declared layout replaces the national one of a department-defined field.
  const format = departmentPattern ? null : formatRule(field, c);
  if (format) rules.push(format);
  if (field.enum) {
    rules.push({
      id: `enum:${field.name}`, kind: 'enum', field: field.name, ...STRONG,
      description: `${field.name} is one of ${field.enum.join(', ')}`,
      row: { failing: `${c} IS NOT NULL AND ${text} NOT IN (${field.enum.map(str).join(', ')})`, value: text, detail: `'not an allowed value'` },
    });
  }
  const pattern = departmentPattern ?? field.pattern;
  if (pattern) {
    const whose = departmentPattern ? ' (the department\'s layout)' : '';
    rules.push({
      id: `pattern:${field.name}`, kind: 'pattern', field: field.name, severity: 'error', warnAbove: 0, errorAbove: 0.05,
      description: `${field.name} matches ${pattern}${whose}`,
      row: { failing: `${c} IS NOT NULL AND NOT regexp_matches(${text}, ${str(pattern)})`, value: text, detail: str(`does not match ${pattern}${whose}`) },
    });
  }
  if (field.minimum !== undefined || field.maximum !== undefined) {
    const low = field.minimum ?? -Infinity;
    const high = field.maximum ?? Infinity;
    const tests = [field.minimum !== undefined ? `${c} < ${sqlNumber(low)}` : null, field.maximum !== undefined ? `${c} > ${sqlNumber(high)}` : null].filter(Boolean);
    rules.push({
      id: `range:${field.name}`, kind: 'range', field: field.name, ...TOLERANT,
      description: `${field.name} is within [${field.minimum ?? '-∞'}, ${field.maximum ?? '∞'}]`,
      row: { failing: `${c} IS NOT NULL AND (${tests.join(' OR ')})`, value: text, detail: str('out of range') },
    });
  }
  if ((field.minLength !== undefined || field.maxLength !== undefined) && field.type === 'string' && !field.format) {
    const tests = [field.minLength !== undefined ? `length(${c}) < ${field.minLength}` : null, field.maxLength !== undefined ? `length(${c}) > ${field.maxLength}` : null].filter(Boolean);
    rules.push({
      id: `length:${field.name}`, kind: 'length', field: field.name, ...WEAK,
      description: `${field.name} has ${field.minLength ?? 0} to ${field.maxLength ?? '∞'} characters`,
      row: { failing: `${c} IS NOT NULL AND (${tests.join(' OR ')})`, value: text, detail: str('length out of bounds') },
    });
  }
  return rules;
}

/** Every rule for a connector, with the manifest's overrides applied. */
export function rulesFor(connector: Connector, tableOf: (schemaName: string) => string | undefined): Rule[] {
  const schema = connector.schema;
  const mapped = new Set(connector.readers.map((r) => r.field.name));
  const rules: Rule[] = [
    { id: 'readable', kind: 'readable', ...TOLERANT, description: 'rows can be read (quarantined rows over rows read)' },
  ];
  for (const field of schema.fields) {
    if (!mapped.has(field.name)) continue;
    rules.push(...fieldRules(field, schema.key, connector.readers.find((r) => r.field.name === field.name)?.derivation.pattern));
    if (field.references) {
      const table = tableOf(field.references.schema);
      if (table) {
        rules.push({
          id: `reference:${field.name}`, kind: 'reference', field: field.name,
          severity: field.references.severity ?? 'error', warnAbove: 0, errorAbove: 0.05,
          description: `${field.name} refers to a ${field.references.schema} ${field.references.field} of the same period`,
          references: { table, field: field.references.field },
        });
      }
    }
  }
  rules.push({ id: `unique:${schema.key.join('+')}`, kind: 'unique', field: schema.key.join('+'), ...TOLERANT, description: `${schema.key.join(' + ')} is unique within the batch` });
  if (!connector.delivery.allowEmpty) {
    rules.push({ id: 'delivery', kind: 'delivery', ...STRONG, description: 'the delivery holds data rows (the manifest does not allow an empty one)' });
  }
  if (connector.delivery.control) {
    rules.push({ id: 'control_totals', kind: 'control', ...STRONG, description: 'the totals the department declares (校核) match what arrived, exactly' });
  }
  if (connector.filter) {
    rules.push({ id: 'filter', kind: 'filter', ...WEAK, errorAbove: 1, warnAbove: 0.999999, description: 'the row filter keeps some rows (a filter that leaves out every row is a warning)' });
  }
  rules.push({ id: 'row_count_drift', kind: 'drift', severity: 'error', warnAbove: 0.05, errorAbove: 0.5, description: 'row count changed against the previous period by at most the threshold' });
  if (connector.freshness) {
    rules.push({
      id: 'freshness', kind: 'freshness', field: connector.freshness.field, ...STRONG,
      description: `the latest ${connector.freshness.field} reaches the period${connector.freshness.maxLagMonths ? ` less ${connector.freshness.maxLagMonths} month(s)` : ''}`,
    });
  }
  return applyOverrides(connector, rules);
}

function applyOverrides(connector: Connector, rules: Rule[]): Rule[] {
  const known = new Set(rules.map((r) => r.id));
  const unknown = Object.keys(connector.checks).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ManifestError(connector.manifestFile, unknown.map((id) => `/checks/${id}: no such rule (rules: ${[...known].join(', ')})`));
  }
  return rules.flatMap((rule) => {
    const override: RuleOverride | undefined = connector.checks[rule.id];
    if (!override) return [rule];
    if (override.enabled === false) return [];
    return [{ ...rule, severity: override.severity ?? rule.severity, warnAbove: override.warnAbove ?? rule.warnAbove, errorAbove: override.errorAbove ?? rule.errorAbove }];
  });
}

export type RuleStatus = 'pass' | 'warn' | 'error' | 'skipped';

/** The DataWorks-style verdict: error above the error threshold for strong rules, warn above the warn threshold. */
export function ruleStatus(rule: Pick<Rule, 'severity' | 'warnAbove' | 'errorAbove'>, ratio: number): RuleStatus {
  if (rule.severity === 'error' && ratio > rule.errorAbove) return 'error';
  if (ratio > rule.warnAbove) return 'warn';
  return 'pass';
}
