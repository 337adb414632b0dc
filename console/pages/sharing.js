// Sharing: the grants the caller may see, and the pending conditional-sharing requests, which
// a steward or the providing department approves or refuses with a reason.
import { api, ApiError } from '../lib/api.js';
import { h, message, section } from '../lib/dom.js';
import { formatTime, t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';

const fieldsText = (g) => Object.entries(g.fields).map(([f, a]) => (a === 'masked' ? `${f} (masked)` : f)).join(', ');

function decide(grant, rerender) {
  const reason = h('input', { type: 'text', name: 'reason', placeholder: t('reasonPlaceholder'), class: 'reason' });
  const feedback = h('span', { class: 'feedback' });
  const act = (verdict) => async () => {
    if (verdict === 'refuse' && !reason.value.trim()) return feedback.replaceChildren(message(t('reasonRequired'), 'error'));
    try {
      await api(`/v1/requests/${encodeURIComponent(grant.id)}/${verdict}`, { method: 'POST', body: reason.value.trim() ? { reason: reason.value.trim() } : {} });
      rerender();
    } catch (error) {
      feedback.replaceChildren(message(error instanceof ApiError ? error.message : String(error), 'error'));
    }
  };
  return h('div', { class: 'decide' }, reason,
    h('button', { type: 'button', class: 'approve', text: t('approve'), onclick: act('approve') }),
    h('button', { type: 'button', class: 'refuse', text: t('refuse'), onclick: act('refuse') }), feedback);
}

export async function sharingPage(root, ctx) {
  const { grants } = await api('/v1/grants');
  const canDecide = ctx.me.roles.includes('steward') || ctx.me.roles.includes('provider');
  const pending = grants.filter((g) => g.status === 'pending');
  const common = [
    { key: 'id', label: 'id' }, { key: 'client', label: t('client') }, { key: 'resource', label: t('resource') },
    { key: 'fields', label: t('fields'), render: fieldsText, csv: fieldsText },
    { key: 'purposes', label: t('purposes'), render: (g) => g.purposes.join('; '), csv: (g) => g.purposes.join('; ') },
  ];
  root.append(section(t('pendingRequests'), dataTable([
    ...common, { key: 'legalBasis', label: t('legalBasis') }, { key: 'requestedAt', label: t('requestedAt'), render: (g) => formatTime(g.requestedAt) },
    ...(canDecide ? [{ key: 'decide', label: t('decision'), csv: () => '', render: (g) => decide(g, () => ctx.go({ ...ctx.params })) }] : []),
  ], { name: 'pending-requests', rows: pending, id: 'pending-requests', empty: t('noPending'), onRow: (g, tr) => { tr.dataset.grant = g.id; } })));
  root.append(section(t('grants'), dataTable([
    ...common, { key: 'status', label: t('status'), render: (g) => h('span', { class: `state state-${g.status}`, text: g.status }) },
    { key: 'expiresAt', label: t('expiresAt'), render: (g) => formatTime(g.expiresAt) }, { key: 'decidedBy', label: t('decidedBy') }, { key: 'reason', label: t('reason') },
  ], { name: 'grants', rows: grants.filter((g) => g.status !== 'pending'), id: 'grants' })));
}
