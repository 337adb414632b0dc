// What the exchange writes as sentences (step details, rule descriptions, blocking findings,
// quarantine reasons, repair evidence, application reasons), read back into their parts and
// said again in the console's language. A sentence of a form not known here is shown as it is
// and recorded as missing, so the browser test names it.
import { code, fieldLabel, formatMoney, formatNumber, formatPercent, formatTime, t, tn } from './i18n.js';

/** A count as the exchange writes it, with or without thousands separators. */
const count = (text) => Number(String(text).replace(/,/g, ''));
const N = '(\\d[\\d,]*)';

const unknown = (text) => {
  globalThis.dxMissingLabels?.add(`message:${text}`);
  return text;
};

/** A cycle step's detail: "34 rows loaded, 2 quarantined from 1 file(s)", or a batch status. */
export function stepDetail(detail) {
  if (!detail) return '';
  const m = new RegExp(`^${N} rows loaded, ${N} quarantined from ${N} file\\(s\\)$`).exec(detail);
  if (m) return t('msgStepLoaded', { loaded: formatNumber(count(m[1])), quarantined: formatNumber(count(m[2])), files: formatNumber(count(m[3])) });
  for (const [pattern, key, names] of STEP_DETAILS) {
    const found = pattern.exec(detail);
    if (found) return t(key, Object.fromEntries(names.map((name, i) => [name, formatNumber(count(found[i + 1]))])));
  }
  if (/^not published: /.test(detail) || /^published( by |$)/.test(detail)) return runOutcome(detail);
  return code('state', detail);
}

/** The cycle run's outcome. */
export function runOutcome(outcome) {
  if (!outcome) return '';
  if (outcome === 'published') return code('state', 'published');
  const m = new RegExp(`^not published: ${N} blocking finding`).exec(outcome);
  if (m) return t('msgNotPublished', { n: formatNumber(count(m[1])) });
  // The publication record (src/cycle/cycleStatus.ts, describePublication); the reason is data.
  const by = new RegExp(`^published by (\\S+) at (\\S+?)(?: over ${N} blocking finding\\(s\\), override: (.*?))?(?:; forced: (.*?))?(?:; rolled back from (\\S+))?$`).exec(outcome);
  if (by) {
    const out = document.createElement('span');
    const data = (text) => { const span = document.createElement('span'); span.translate = false; span.textContent = text; return span; };
    out.append(t('msgPublishedBy', { at: formatTime(by[2]) }), ' ', data(by[1]));
    if (by[3] !== undefined) out.append(t('msgPublishedOver', { n: formatNumber(count(by[3])) }), ' ', data(by[4]));
    if (by[5] !== undefined) out.append(t('msgPublishedForced'), ' ', data(by[5]));
    if (by[6] !== undefined) out.append(t('msgPublishedRollback'), ' ', data(by[6]));
    return out;
  }
  const stopped = /^stopped after (\w+)/.exec(outcome);
  if (stopped) return t('msgStoppedAfter', { step: stepName(stopped[1]) });
  return unknown(outcome);
}

/** A step's name: collect:<dataset> (the dataset as it is named) or one of the cycle's own steps. */
export function stepName(step) {
  const [name, target] = String(step).split(':');
  const label = t(`step_${name}`);
  if (!target) return label;
  const out = document.createElement('span');
  const dataset = document.createElement('span');
  dataset.translate = false;
  dataset.textContent = target;
  out.append(`${label} · `, dataset);
  return out;
}

const STEP_DETAILS = [
  [new RegExp(`^${N} batches checked, ${N} rule\\(s\\) with failures$`), 'msgStepChecked', ['batches', 'rules']],
  [new RegExp(`^${N} persons, ${N} entities$`), 'msgStepGoverned', ['persons', 'entities']],
  [new RegExp(`^${N} findings from ${N} rules, ${N} new case\\(s\\)$`), 'msgStepCrosschecked', ['findings', 'rules', 'cases']],
  [new RegExp(`^${N} subscriber\\(s\\) told, ${N} unreachable$`), 'msgStepNotified', ['told', 'unreachable']],
];

/** A quality rule, said from its kind and field (the description the check writes is English). */
export function ruleDescription(rule) {
  const field = fieldLabel(rule.field?.includes('+') ? undefined : rule.field) || (rule.field ?? '').split('+').map(fieldLabel).join(' + ');
  const d = rule.description ?? '';
  switch (rule.kind ?? String(rule.rule_id).split(':')[0]) {
    case 'readable': return t('ruleReadable');
    case 'required': return t('ruleRequired', { field });
    case 'format':
      if (/GB 11643/.test(d)) return t('ruleFormatResidentId', { field });
      if (/GB 32100/.test(d)) return t('ruleFormatUscc', { field });
      return t('ruleFormatDisability', { field });
    case 'enum': return t('ruleEnum', { field, values: (/is one of (.*)$/.exec(d)?.[1] ?? '') });
    case 'pattern': return t('rulePattern', { field, pattern: (/matches (.*)$/.exec(d)?.[1] ?? '') });
    case 'range': return t('ruleRange', { field, range: (/within (.*)$/.exec(d)?.[1] ?? '') });
    case 'length': { const m = /has (\S+) to (\S+) characters/.exec(d); return t('ruleLength', { field, min: m?.[1] ?? '0', max: m?.[2] ?? '∞' }); }
    case 'unique': return t('ruleUnique', { field });
    case 'reference': return t('ruleReference', { field });
    case 'drift': return t('ruleDrift');
    case 'freshness': return t('ruleFreshness', { field });
    default: return unknown(d);
  }
}

/** A rule's id said for people: its kind and field. */
export function ruleName(ruleId) {
  const [kind, field] = String(ruleId).split(':');
  const kindLabel = code('ruleKind', kind === 'row_count_drift' ? 'drift' : kind);
  return field ? `${kindLabel} · ${field.split('+').map(fieldLabel).join(' + ')}` : kindLabel;
}

/** A finding that holds the period back: "<connector>: <rule> failed on X of Y rows (a% > b%)". */
export function blockingFinding(text) {
  let m = /^([^:]+): (\S+) failed on (\d+) of (\d+) rows \(([\d.]+)% > ([\d.]+)%\)$/.exec(text);
  if (m) return tn('msgBlockingRule', { connector: m[1], rule: ruleName(m[2]), failed: formatNumber(Number(m[3])), checked: formatNumber(Number(m[4])), ratio: m[5], limit: m[6] }, ['connector']);
  m = /^([^:]+): no batch for (\S+)$/.exec(text);
  if (m) return tn('msgBlockingMissing', { connector: m[1], period: m[2] }, ['connector']);
  m = /^([^:]+): batch failed: (.*)$/.exec(text);
  if (m) return tn('msgBlockingFailed', { connector: m[1], error: m[2] }, ['connector', 'error']);
  return unknown(text);
}

const CSV_ERRORS = { 'MISSING COLUMNS': 'msgTooFewColumns', 'TOO MANY COLUMNS': 'msgTooManyColumns', 'TOO FEW COLUMNS': 'msgTooFewColumns', 'UNTERMINATED QUOTE': 'msgUnterminatedQuote', 'INVALID UNICODE': 'msgInvalidUnicode', 'INVALID ENCODING': 'msgInvalidUnicode', 'CAST ERROR': 'msgCastError' };
const FIELD_PROBLEMS = { 'unparseable date': 'msgBadDate', 'unparseable month': 'msgBadMonth', 'unparseable amount': 'msgBadAmount', 'unparseable number': 'msgBadNumber', 'unknown label': 'msgUnknownLabel' };

/** Why a row was quarantined, as the collector or DuckDB's CSV reader said it. */
export function quarantineReason(reason) {
  if (!reason) return '';
  const said = collectorReason(reason);
  if (said) return said;
  const parts = reason.split(/; (?=[a-z_]+ \(|[a-z_]+: |[A-Z ]+: )/);
  if (parts.length > 1) {
    const out = document.createElement('span');
    const seen = new Set();
    for (const part of parts) {
      const said = quarantineReason(part);
      const key = typeof said === 'string' ? said : said.textContent;
      if (seen.has(key)) continue;
      if (seen.size > 0) out.append('；');
      seen.add(key);
      out.append(said);
    }
    return out;
  }
  let m = /^([a-z_]+)(?: \(([^)]*)\))?: (unparseable date|unparseable month|unparseable amount|unparseable number|unknown label) "(.*)"$/s.exec(reason);
  if (m) return tn(FIELD_PROBLEMS[m[3]], { field: fieldLabel(m[1]), value: m[4] }, ['value']);
  m = /^([A-Z ]+): (?:Expected Number of Columns: (\d+) Found: (\d+))?/.exec(reason);
  if (m && CSV_ERRORS[m[1].trim()]) return t(CSV_ERRORS[m[1].trim()], { expected: m[2] ?? '', found: m[3] ?? '' });
  if (/^undecodable bytes: not valid (.*)$/.test(reason)) return tn('msgUndecodable', { encoding: reason.replace(/^undecodable bytes: not valid /, '') }, ['encoding']);
  if (/^row: not a JSON object/.test(reason)) return t('msgNotJson');
  return unknown(reason);
}

/** What a value should have been, as the collector says it (src/collect/fieldExpressions.ts). */
const EXPECTATIONS = [
  [/^is not a date(?: in (.+))?$/, 'msgExpectDate'],
  [/^is not a month(?: in (.+))?$/, 'msgExpectMonth'],
  [/^is not an amount$/, 'msgExpectAmount'],
  [/^is not a whole number$/, 'msgExpectWhole'],
  [/^is not one of the labels (.+)$/, 'msgExpectLabel'],
];

/**
 * The collector's own reasons, one a row (src/collect/rejectReasons.ts, collectBatch.ts): a wrong
 * cell count, or the first failing field with its value and column (and how many more failed).
 * What the department sent, and the expressions and layouts it declared, are data.
 */
function collectorReason(reason) {
  let m = new RegExp(`^${N} cells where the header has ${N}( \\(a delimiter inside a value that is not quoted\\?\\))?$`).exec(reason);
  if (m) return t(m[3] ? 'msgCellsDelimiter' : 'msgCells', { found: formatNumber(count(m[1])), expected: formatNumber(count(m[2])) });
  const fixed = { 'the line is longer than the reader allows': 'msgLineTooLong', 'bytes that are not valid text': 'msgInvalidUnicode' };
  if (fixed[reason]) return t(fixed[reason]);
  if (reason.startsWith('a quote inside a value that is not itself quoted')) return t('msgUnquotedQuote');
  m = /^([a-z_]+): "(.*)" \(([^)]*)\) (.*?)(?: \(and (\d+) more: ([^;]*); are the cells shifted\?\))?$/s.exec(reason);
  if (!m) return undefined;
  const data = (text) => { const span = document.createElement('span'); span.translate = false; span.textContent = text; return span; };
  const out = document.createElement('span');
  out.append(fieldLabel(m[1]), ' ', data(`"${m[2]}"`), ' (', data(m[3]), ') ');
  const expectation = EXPECTATIONS.find(([pattern]) => pattern.test(m[4]));
  if (expectation) {
    const detail = expectation[0].exec(m[4])[1];
    out.append(tn(expectation[1], { detail: detail ?? '' }, ['detail']));
  } else {
    // A derivation that failed: the expression the manifest declared says what was expected.
    out.append(t('msgDerivationFailed'), ' ', data(m[4]));
  }
  if (m[5]) out.append(' ', tn('msgMoreFields', { n: formatNumber(Number(m[5])), fields: m[6] }, ['fields']));
  return out;
}

/** What was wrong with an identifier, or why a row failed a rule. */
export function problemText(problem) {
  if (!problem) return '';
  const m = /^does not match (.*)$/.exec(problem);
  if (m) return t('msgNoMatch', { pattern: m[1] });
  return code('idProblem', problem);
}

/** The class of a repair's evidence, for deciding many at once: its kind of keystroke error. */
export function evidenceClass(evidence) {
  return /^(\w+) at position \d+/.exec(evidence ?? '')?.[1] ?? 'other';
}

/** A repair's or an unresolved number's evidence, said in parts. */
export function evidenceText(evidence) {
  if (!evidence) return '';
  let m = /^(\w+) at position (\d+); name (.*) agrees; birth date and sex agree with the police register$/.exec(evidence);
  if (m) return tn('msgRepairEvidence', { kind: code('repairKind', m[1]), position: m[2], name: m[3] }, ['name']);
  m = /^no name beside the number to confirm a candidate \((\d+) candidate\(s\)\)$/.exec(evidence);
  if (m) return t('msgNoName', { n: m[1] });
  m = /^(\d+) candidates fit: ambiguous$/.exec(evidence);
  if (m) return t('msgAmbiguous', { n: m[1] });
  m = /^(\d+) candidate\(s\) one keystroke away, none with this name$/.exec(evidence);
  if (m) return t('msgNoneWithName', { n: m[1] });
  if (evidence === 'no known person one keystroke away') return t('msgNoCandidate');
  return unknown(evidence);
}

/** Why an application rule was not met: "<fact> is <value>; needs <what>", joined by "; ". */
export function unmetWhy(why) {
  if (!why) return '';
  const data = (text) => { const span = document.createElement('span'); span.translate = false; span.textContent = text; return span; };
  const out = document.createElement('span');
  String(why).split(/; (?=[\w.]+ is )/).forEach((part, i) => {
    if (i > 0) out.append('；');
    const m = /^([\w.]+) is (.*?); needs (.*)$/.exec(part);
    if (!m) {
      const none = /^none of: (.*)$/.exec(part);
      out.append(none ? tn('msgNoneOf', { list: none[1] }, ['list']) : unknown(part));
      return;
    }
    const value = m[2] === 'missing' ? t('msgMissingValue') : data(m[2]);
    const needs = document.createElement('span');
    const words = [['a value', 'msgAValue'], ['none', 'msgNoValue']].find(([w]) => m[3] === w);
    if (words) needs.append(t(words[1]));
    else {
      const prefix = [['anything but ', 'msgAnythingBut'], ['one of ', 'msgOneOf'], ['to start with ', 'msgStartsWith'], ['at least ', 'msgAtLeast'], ['at most ', 'msgAtMost']].find(([w]) => m[3].startsWith(w));
      if (prefix) needs.append(`${t(prefix[1])} `, data(m[3].slice(prefix[0].length)));
      else needs.append(data(m[3]));
    }
    out.append(tn('msgFactNeeds', { fact: m[1], value, needs }, ['fact']));
  });
  return out;
}

/** A case's finding said from its parts (the cross-check's summary is English). */
export function caseSummary(c) {
  const f = c.finding ?? {};
  const parts = [code('caseReason', f.reason)];
  if (f.months?.length) parts.push(t('msgMonths', { months: f.months.join(', ') }));
  if (typeof f.amount === 'number') parts.push(formatMoney(f.amount));
  return parts.filter(Boolean).join(' · ');
}

export { formatPercent };
