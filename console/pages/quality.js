// Quality per department: rows received, loaded and quarantined; rule failures; trends over the
// last periods as charts; a link from each department to its rows.
import { api } from '../lib/api.js';
import { definitionList, h, section, select } from '../lib/dom.js';
import { lineChart } from '../lib/chart.js';
import { formatNumber, t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';
import { choosePeriod, noReports, percent, periodPicker, toolbar } from './common.js';

/** Per period, the sums over the chosen connectors. */
export function trendSeries(trend, connector) {
  const points = trend.filter((p) => !connector || p.connector === connector);
  const periods = [...new Set(points.map((p) => p.period))].sort();
  const sum = (period, key) => points.filter((p) => p.period === period).reduce((s, p) => s + p[key], 0);
  const series = (key) => periods.map((period) => sum(period, key));
  return {
    periods,
    rows: [{ name: t('received'), values: series('rows_read') }, { name: t('loaded'), values: series('rows_loaded') }, { name: t('quarantined'), values: series('rows_quarantined') }],
    rules: [{ name: t('ruleErrors'), values: series('rule_errors') }, { name: t('ruleWarnings'), values: series('rule_warnings') }],
  };
}

export async function qualityPage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const summary = await api(`/v1/reports/${period}`);
  const connector = summary.departments.some((d) => d.connector === ctx.params.connector) ? ctx.params.connector : '';
  const departmentChoice = select(t('connector'), [{ value: '', label: t('allDepartments') }, ...summary.departments.map((d) => ({ value: d.connector, label: d.connector }))],
    connector, (value) => ctx.go({ period, connector: value }), 'connector');
  root.append(toolbar(periodPicker(ctx, periods, period, { connector }), departmentChoice));

  const trend = trendSeries(summary.trend, connector);
  root.append(section(t('totals'), definitionList([
    [t('received'), formatNumber(summary.totals.rows_read)], [t('loaded'), formatNumber(summary.totals.rows_loaded)],
    [t('quarantined'), formatNumber(summary.totals.rows_quarantined)], [t('publishable'), summary.publishable ? t('yes') : t('no')],
  ])));
  root.append(h('div', { class: 'charts' },
    lineChart({ title: `${t('trendRows')}${connector ? ` · ${connector}` : ''}`, xLabels: trend.periods, series: trend.rows, format: (n) => formatNumber(Math.round(n)) }),
    lineChart({ title: `${t('trendRules')}${connector ? ` · ${connector}` : ''}`, xLabels: trend.periods, series: trend.rules, format: (n) => formatNumber(Math.round(n * 10) / 10) })));

  const shown = summary.departments.filter((d) => !connector || d.connector === connector);
  root.append(section(t('quality'), dataTable([
    { key: 'connector', label: t('connector') },
    { key: 'status', label: t('status') },
    { key: 'rows_read', label: t('received'), class: 'num' },
    { key: 'rows_loaded', label: t('loaded'), class: 'num' },
    { key: 'rows_quarantined', label: t('quarantined'), class: 'num' },
    { key: 'errors', label: t('ruleErrors'), class: 'num', render: (r) => String(r.rules.filter((x) => x.status === 'error').length), csv: (r) => r.rules.filter((x) => x.status === 'error').length },
    { key: 'warnings', label: t('ruleWarnings'), class: 'num', render: (r) => String(r.rules.filter((x) => x.status === 'warn').length), csv: (r) => r.rules.filter((x) => x.status === 'warn').length },
    { key: 'drill', label: t('drillDown'), csv: () => '', render: (r) => h('a', { href: `#/drilldown?period=${period}&connector=${encodeURIComponent(r.connector)}`, class: 'drill', dataset: { connector: r.connector }, text: t('drillDown') }) },
  ], { name: `quality-${period}`, rows: shown, id: 'quality-table' })));

  const failing = shown.flatMap((d) => d.rules.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => ({ connector: d.connector, ...r })));
  root.append(section(t('ruleFailures'), dataTable([
    { key: 'connector', label: t('connector') },
    { key: 'rule_id', label: t('rule') },
    { key: 'status', label: t('status'), render: (r) => h('span', { class: `state state-${r.status}`, text: r.status }) },
    { key: 'failed_rows', label: t('failedRows'), class: 'num' },
    { key: 'failure_ratio', label: t('ratio'), class: 'num', render: (r) => percent(r.failure_ratio) },
    { key: 'message', label: t('about'), render: (r) => r.message ?? r.description, csv: (r) => r.message ?? r.description },
    { key: 'drill', label: t('drillDown'), csv: () => '', render: (r) => h('a', { href: `#/drilldown?period=${period}&connector=${encodeURIComponent(r.connector)}&kind=failures&rule=${encodeURIComponent(r.rule_id)}`, text: t('drillDown') }) },
  ], { name: `rule-failures-${period}`, rows: failing, id: 'rule-failures' })));
}
