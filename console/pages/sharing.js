// Sharing: the grants the caller may see, and the pending conditional-sharing requests, which
// a steward or the providing department approves or refuses, always with a reason and a
// confirmation (an approval opens a register to another department at once).
import { api } from '../lib/api.js';
import { h, section } from '../lib/dom.js';
import { code, formatTime, t } from '../lib/i18n.js';
import { decideForm } from '../lib/decide.js';
import { dataTable } from '../lib/table.js';

const fieldsText = (g) => Object.entries(g.fields).map(([f, a]) => (a === 'full' ? f : `${f} (${a})`)).join(', ');
const codeSpan = (text) => h('span', { translate: 'no', text: text ?? '' });

function decide(grant, rerender) {
  return decideForm({
    actions: [{ id: 'approve', label: t('approve'), class: 'approve' }, { id: 'refuse', label: t('refuse'), class: 'refuse' }],
    confirmText: (action, reason) => t('confirmGrant', { action: t(action), client: grant.client, resource: grant.resource, reason }),
    onDecide: async (action, reason) => {
      await api(`/v1/requests/${encodeURIComponent(grant.id)}/${action}`, { method: 'POST', body: { reason } });
      rerender();
    },
  });
}

export async function sharingPage(root, ctx) {
  const { grants } = await api('/v1/grants');
  const canDecide = ctx.me.roles.includes('steward') || ctx.me.roles.includes('provider');
  const pending = grants.filter((g) => g.status === 'pending');
  const common = [
    { key: 'id', label: t('grantId'), class: 'mono', code: true }, { key: 'client', label: t('client'), code: true, filter: true },
    { key: 'resource', label: t('resource'), code: true, filter: true },
    { key: 'fields', label: t('fields'), code: true, render: fieldsText, csv: fieldsText },
    { key: 'purposes', label: t('purposes'), code: true, render: (g) => g.purposes.join('; '), csv: (g) => g.purposes.join('; ') },
  ];
  root.append(section(t('pendingRequests'), dataTable([
    ...common, { key: 'legalBasis', label: t('legalBasis'), code: true }, { key: 'requestedAt', label: t('requestedAt'), render: (g) => formatTime(g.requestedAt), csv: (g) => g.requestedAt },
    ...(canDecide ? [{ key: 'decide', label: t('decision'), csv: () => '', render: (g) => decide(g, () => ctx.go({ ...ctx.params })) }] : []),
  ], { name: 'pending-requests', rows: pending, id: 'pending-requests', empty: t('noPending'), onRow: (g, tr) => { tr.dataset.grant = g.id; } })));
  root.append(section(t('grants'), dataTable([
    ...common, { key: 'status', label: t('status'), render: (g) => h('span', { class: `state state-${g.status}`, text: code('state', g.status) }), csv: (g) => g.status, filter: true },
    { key: 'expiresAt', label: t('expiresAt'), render: (g) => formatTime(g.expiresAt), csv: (g) => g.expiresAt }, { key: 'decidedBy', label: t('decidedBy'), code: true },
    { key: 'reason', label: t('reason'), render: (g) => codeSpan(g.reason), csv: (g) => g.reason ?? '' },
  ], { name: 'grants', rows: grants.filter((g) => g.status !== 'pending'), id: 'grants', onRow: (g, tr) => { tr.dataset.grant = g.id; } })));
}
