// Quality per department: rows received, loaded and quarantined this period against the
// previous one (and the drift), the rule verdicts, failing rows by rule over the periods, and a
// link from each department and failing rule to its rows. A department administrator's totals
// are its own departments' (the API gives it only those rows).
import { api } from '../lib/api.js';
import { definitionList, h, section, select } from '../lib/dom.js';
import { barChart, lineChart } from '../lib/chart.js';
import { code, formatNumber, formatPercent, t } from '../lib/i18n.js';
import { ruleDescription, ruleName } from '../lib/messages.js';
import { dataTable } from '../lib/table.js';
import { choosePeriod, noReports, periodPicker, toolbar } from './common.js';

const sum = (rows, key) => rows.reduce((s, r) => s + (Number(r[key]) || 0), 0);

/** Per connector: rows loaded this period and the period before (from the summary's trend). */
export function driftRows(trend, period, connectors) {
  const periods = [...new Set(trend.map((p) => p.period))].sort();
  const previous = periods.filter((p) => p < period).pop() ?? null;
  return {
    previous,
    rows: connectors.map((connector) => {
      const now = trend.find((p) => p.period === period && p.connector === connector);
      const before = previous ? trend.find((p) => p.period === previous && p.connector === connector) : undefined;
      const a = now?.rows_loaded ?? 0, b = before?.rows_loaded;
      const drift = b ? (a - b) / b : null;
      return { connector, now: a, before: b ?? null, drift };
    }),
  };
}

function driftNote(drift) {
  if (drift === null) return '';
  return `${drift > 0 ? '+' : ''}${formatPercent(drift, 1)}`;
}

/** Failing rows per rule over the periods: the rules that failed most, one line each. */
async function ruleTrend(periods, connector) {
  const recent = periods.slice(0, 6).map((p) => p.period).reverse();
  const summaries = await Promise.all(recent.map((p) => api(`/v1/reports/${p}`).catch(() => null)));
  const byRule = new Map();
  summaries.forEach((s, i) => {
    for (const d of s?.departments ?? []) {
      if (connector && d.connector !== connector) continue;
      for (const r of d.rules) {
        if (!r.failed_rows) continue;
        const values = byRule.get(r.rule_id) ?? recent.map(() => 0);
        values[i] += r.failed_rows;
        byRule.set(r.rule_id, values);
      }
    }
  });
  const top = [...byRule.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0)).slice(0, 6);
  return { periods: recent, series: top.map(([rule, values]) => ({ name: ruleName(rule), values })) };
}

export async function qualityPage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const summary = await api(`/v1/reports/${period}`);
  const connector = summary.departments.some((d) => d.connector === ctx.params.connector) ? ctx.params.connector : '';
  const departmentChoice = select(t('connector'), [{ value: '', label: t('allDepartments') }, ...summary.departments.map((d) => ({ value: d.connector, label: d.connector, code: true }))],
    connector, (value) => ctx.go({ period, connector: value }), 'connector');
  root.append(toolbar(periodPicker(ctx, periods, period, { connector }), departmentChoice));

  const shown = summary.departments.filter((d) => !connector || d.connector === connector);
  // Totals over the departments shown: a department administrator's are its own, never the city's.
  root.append(section(t('totals'), definitionList([
    [t('received'), formatNumber(sum(shown, 'rows_read'))], [t('loaded'), formatNumber(sum(shown, 'rows_loaded'))],
    [t('quarantined'), formatNumber(sum(shown, 'rows_quarantined'))],
    ...(summary.reconciliation ? [[t('publishable'), summary.publishable ? t('yes') : t('no')]] : []),
  ]), h('div', { id: 'quality-totals', hidden: true, dataset: { read: String(sum(shown, 'rows_read')), loaded: String(sum(shown, 'rows_loaded')) } })));

  const drift = driftRows(summary.trend, period, shown.map((d) => d.connector));
  const rules = await ruleTrend(periods, connector);
  root.append(h('div', { class: 'charts' },
    barChart({
      title: drift.previous ? t('chartRowsAgainst', { period, previous: drift.previous }) : t('chartRows', { period }),
      rows: drift.rows.map((r) => ({ label: r.connector, values: drift.previous ? [r.before ?? 0, r.now] : [r.now], note: driftNote(r.drift), noteClass: r.drift !== null && Math.abs(r.drift) > 0.05 ? 'drift-high' : '' })),
      series: drift.previous ? [{ name: drift.previous }, { name: period }] : [{ name: period }],
      format: (n) => formatNumber(n), note: t('chartDriftNote'),
    }),
    rules.series.length > 0
      ? lineChart({ title: t('chartFailuresByRule'), xLabels: rules.periods, series: rules.series, format: (n) => formatNumber(n) })
      : h('p', { class: 'message info', text: t('noRuleFailures') })));

  root.append(section(t('quality'), dataTable([
    { key: 'connector', label: t('connector'), code: true, filter: true },
    { key: 'status', label: t('status'), render: (r) => h('span', { class: `state state-${r.status.replace(/\s/g, '-')}`, text: code('state', r.status) }), csv: (r) => r.status, filter: true, filterValue: (r) => code('state', r.status) },
    { key: 'rows_read', label: t('received'), num: true },
    { key: 'rows_loaded', label: t('loaded'), num: true },
    { key: 'rows_quarantined', label: t('quarantined'), num: true },
    { key: 'drift', label: t('drift'), num: true, sort: (r) => drift.rows.find((x) => x.connector === r.connector)?.drift ?? null, render: (r) => driftNote(drift.rows.find((x) => x.connector === r.connector)?.drift ?? null), csv: (r) => drift.rows.find((x) => x.connector === r.connector)?.drift ?? '' },
    { key: 'errors', label: t('ruleErrors'), num: true, sort: (r) => r.rules.filter((x) => x.status === 'error').length, render: (r) => formatNumber(r.rules.filter((x) => x.status === 'error').length), csv: (r) => r.rules.filter((x) => x.status === 'error').length },
    { key: 'warnings', label: t('ruleWarnings'), num: true, sort: (r) => r.rules.filter((x) => x.status === 'warn').length, render: (r) => formatNumber(r.rules.filter((x) => x.status === 'warn').length), csv: (r) => r.rules.filter((x) => x.status === 'warn').length },
    { key: 'drill', label: t('drillDown'), csv: () => '', render: (r) => h('a', { href: `#/drilldown?period=${period}&connector=${encodeURIComponent(r.connector)}`, class: 'drill', dataset: { connector: r.connector }, text: t('drillDown') }) },
  ], { name: `quality-${period}`, rows: shown, id: 'quality-table' })));

  const failing = shown.flatMap((d) => d.rules.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => ({ connector: d.connector, ...r })));
  root.append(section(t('ruleFailures'), dataTable([
    { key: 'connector', label: t('connector'), code: true, filter: true },
    { key: 'rule_id', label: t('rule'), render: (r) => ruleName(r.rule_id), csv: (r) => r.rule_id },
    { key: 'status', label: t('status'), render: (r) => h('span', { class: `state state-${r.status}`, text: code('state', r.status) }), csv: (r) => r.status, filter: true, filterValue: (r) => code('state', r.status) },
    { key: 'failed_rows', label: t('failedRows'), num: true },
    { key: 'failure_ratio', label: t('ratio'), num: true, render: (r) => formatPercent(r.failure_ratio) },
    { key: 'description', label: t('about'), render: (r) => ruleDescription(r), csv: (r) => ruleDescription(r) },
    { key: 'drill', label: t('drillDown'), csv: () => '', render: (r) => h('a', { href: `#/drilldown?period=${period}&connector=${encodeURIComponent(r.connector)}&kind=failures&rule=${encodeURIComponent(r.rule_id)}`, text: t('drillDown') }) },
  ], { name: `rule-failures-${period}`, rows: failing, id: 'rule-failures' })));
}
