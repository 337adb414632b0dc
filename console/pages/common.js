// What several pages share: the period picker over the exported reports.
import { api } from '../lib/api.js';
import { h, message, select } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** The periods with reports and the one chosen (the `period` parameter, else the newest). */
export async function choosePeriod(ctx) {
  const { periods } = await api('/v1/reports');
  const chosen = periods.find((p) => p.period === ctx.params.period) ?? periods[0] ?? null;
  return { periods, period: chosen?.period ?? null };
}

export function periodPicker(ctx, periods, period, extra = {}) {
  return select(t('period'), periods.map((p) => ({ value: p.period, label: `${p.period}${p.published ? '' : ` (${t('notPublished')})`}` })), period,
    (value) => ctx.go({ ...extra, period: value }), 'period');
}

export function noReports() {
  return message(t('noReports'), 'warn');
}

export function toolbar(...children) {
  return h('div', { class: 'toolbar' }, ...children);
}

export function percent(ratio) {
  return `${(Number(ratio) * 100).toFixed(2)}%`;
}
