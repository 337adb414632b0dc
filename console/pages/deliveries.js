// The submission calendar (GET /v1/deliveries): per department dataset and period, when its file
// was due, when the warehouse loaded it, and whether it came on time, late, is missing or is
// not due yet. A department administrator sees its own datasets.
import { api } from '../lib/api.js';
import { h, section } from '../lib/dom.js';
import { code, formatNumber, formatTime, t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';

const STATUS_CLASS = { on_time: 'state-completed', late: 'state-warn', missing: 'state-missing', awaited: 'state-pending' };

function cell(d) {
  if (!d) return '';
  return h('div', { class: 'delivery', dataset: { status: d.status, period: d.period } },
    h('span', { class: `state ${STATUS_CLASS[d.status]}`, text: code('delivery', d.status) }),
    h('div', { class: 'why', text: `${t('dueDate')} ${d.due ?? '—'}` }),
    d.received ? h('div', { class: 'why', text: `${t('receivedAt')} ${formatTime(d.received)}` }) : null,
    d.rows !== null && d.rows !== undefined ? h('div', { class: 'why', text: t('rowsCount', { n: formatNumber(d.rows) }) }) : null);
}

export async function deliveriesPage(root) {
  const { periods, datasets } = await api('/v1/deliveries');
  const tally = (status) => datasets.reduce((n, d) => n + d.deliveries.filter((x) => x.status === status).length, 0);
  root.append(section(t('deliveries'), h('p', { class: 'hint', text: t('deliveriesHint', { onTime: formatNumber(tally('on_time')), late: formatNumber(tally('late')), missing: formatNumber(tally('missing')) }) }),
    dataTable([
      { key: 'connector', label: t('connector'), code: true, filter: true },
      ...periods.slice().reverse().map((period) => ({
        key: period, label: period,
        render: (row) => cell(row.deliveries.find((d) => d.period === period)),
        csv: (row) => { const d = row.deliveries.find((x) => x.period === period); return d ? `${d.status} due ${d.due ?? ''} received ${d.received ?? ''}` : ''; },
        sort: (row) => row.deliveries.find((d) => d.period === period)?.status ?? '',
        filterValue: (row) => code('delivery', row.deliveries.find((d) => d.period === period)?.status),
        filter: true,
      })),
    ], { name: 'deliveries', rows: datasets, id: 'deliveries', onRow: (row, tr) => { tr.dataset.connector = row.connector; } })));
}
