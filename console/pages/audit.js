// The audit trail: verify every chain (each record unchanged, in place, linked), and search it.
import { api, ApiError, query } from '../lib/api.js';
import { h, message, section } from '../lib/dom.js';
import { formatTime, t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';

function verification(result) {
  return h('div', { id: 'audit-verification', class: result.ok ? 'verified ok' : 'verified broken', dataset: { ok: String(result.ok) } },
    h('p', { class: 'verdict', text: `${result.ok ? t('chainOk') : t('chainBroken')} · ${t('verifiedAt')} ${formatTime(result.verified_at)}` }),
    dataTable([
      { key: 'chain', label: t('chain') }, { key: 'records', label: t('records'), class: 'num' },
      { key: 'ok', label: t('status'), render: (c) => h('span', { class: `state state-${c.ok ? 'ok' : 'broken'}`, text: c.ok ? 'ok' : '✗' }) },
      { key: 'head', label: t('head'), render: (c) => (c.head ? `#${c.head.seq} ${c.head.hash.slice(0, 16)}…` : ''), csv: (c) => (c.head ? `${c.head.seq} ${c.head.hash}` : '') },
      { key: 'firstBad', label: t('firstBad'), render: (c) => (c.firstBad ? `line ${c.firstBad.line}: ${c.firstBad.problem}` : ''), csv: (c) => (c.firstBad ? `line ${c.firstBad.line}: ${c.firstBad.problem}` : '') },
    ], { name: 'audit-chains', rows: result.chains }));
}

const FILTERS = ['client', 'subject', 'resource', 'outcome', 'from', 'to', 'limit'];

export async function auditPage(root, ctx) {
  const verifyBox = h('div', { class: 'verify-box' });
  const verifyButton = h('button', {
    type: 'button', id: 'verify-audit', class: 'primary', text: t('verify'),
    onclick: async () => {
      verifyButton.disabled = true;
      try {
        verifyBox.replaceChildren(verification(await api('/v1/audit/verify')));
      } catch (error) {
        verifyBox.replaceChildren(message(`${t('error')}: ${error.message}`, 'error'));
      } finally {
        verifyButton.disabled = false;
      }
    },
  });
  root.append(section(t('verify'), verifyButton, verifyBox));

  if (!ctx.me.roles.includes('auditor')) return root.append(section(t('search'), message(t('searchNeedsAuditor'), 'info')));
  const inputs = Object.fromEntries(FILTERS.map((name) => [name, name === 'outcome'
    ? h('select', { name }, ['', 'allowed', 'denied', 'error'].map((v) => h('option', { value: v, selected: ctx.params.outcome === v, text: v || '—' })))
    : h('input', { name, type: name === 'limit' ? 'number' : 'text', value: ctx.params[name] ?? (name === 'limit' ? '100' : ''), placeholder: name === 'from' || name === 'to' ? '2026-11-01T00:00:00Z' : '' })]));
  const form = h('form', {
    class: 'search', id: 'audit-search',
    onsubmit: (event) => {
      event.preventDefault();
      ctx.go(Object.fromEntries(FILTERS.map((name) => [name, inputs[name].value.trim()])));
    },
  }, FILTERS.map((name) => h('label', { class: 'field' }, h('span', { text: t(name) }), inputs[name])), h('button', { type: 'submit', text: t('search') }));
  let records = [];
  let problem = null;
  try {
    records = (await api(`/v1/audit${query(Object.fromEntries(FILTERS.map((n) => [n, ctx.params[n]])))}`)).records;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    problem = message(error.message, 'error');
  }
  root.append(section(t('search'), form, problem, dataTable([
    { key: 'time', label: t('time'), render: (r) => formatTime(r.time) }, { key: 'client', label: t('client') }, { key: 'department', label: t('department') },
    { key: 'purpose', label: t('purpose') }, { key: 'resource', label: t('resource') }, { key: 'action', label: t('action') },
    { key: 'subjects', label: t('subjects'), render: (r) => r.subjects.join(', '), csv: (r) => r.subjects.join(' ') },
    { key: 'outcome', label: t('outcome'), render: (r) => h('span', { class: `state state-${r.outcome}`, text: `${r.outcome} ${r.status}` }) },
    { key: 'reason', label: t('reason') }, { key: 'chain', label: t('chain') }, { key: 'seq', label: '#', class: 'num' },
  ], { name: 'audit-records', rows: records, id: 'audit-records' })));
}
