// Cases from the cross-checks, with their lifecycle: open -> confirmed or dismissed -> resolved,
// each change with a reason. Served by GET /v1/cases and POST /v1/cases/:id/status.
import { api, ApiError } from '../lib/api.js';
import { h, message, section } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';
import { columnsOf, itemsOf, notAvailable, optional } from './generic.js';

const NEXT = { open: ['confirmed', 'dismissed'], confirmed: ['resolved'], dismissed: [], resolved: [] };
const LABEL = { confirmed: 'confirm', dismissed: 'dismiss', resolved: 'resolve' };

function actions(row, canChange, rerender) {
  const next = NEXT[row.status] ?? [];
  if (!canChange || next.length === 0) return '';
  const reason = h('input', { type: 'text', name: 'reason', placeholder: t('reasonPlaceholder'), class: 'reason' });
  const feedback = h('span', { class: 'feedback' });
  return h('div', { class: 'decide' }, reason, next.map((status) => h('button', {
    type: 'button', class: `case-${status}`, text: t(LABEL[status]),
    onclick: async () => {
      if (!reason.value.trim()) return feedback.replaceChildren(message(t('reasonRequired'), 'error'));
      try {
        await api(`/v1/cases/${encodeURIComponent(row.id)}/status`, { method: 'POST', body: { status, reason: reason.value.trim() } });
        rerender();
      } catch (error) {
        feedback.replaceChildren(message(error instanceof ApiError ? error.message : String(error), 'error'));
      }
    },
  })), feedback);
}

export async function casesPage(root, ctx) {
  const body = await optional(`/v1/cases${ctx.params.period ? `?period=${encodeURIComponent(ctx.params.period)}` : ''}`);
  if (body === null) return root.append(notAvailable());
  const rows = itemsOf(body);
  const canChange = ctx.me.roles.includes('steward');
  root.append(section(t('cases'), dataTable([
    ...columnsOf(rows.slice(0, 50)),
    { key: 'actions', label: t('decision'), csv: () => '', render: (row) => actions(row, canChange, () => ctx.go({ ...ctx.params })) },
  ], { name: 'cases', rows, id: 'cases', onRow: (row, tr) => { tr.dataset.case = row.id; } })));
}
