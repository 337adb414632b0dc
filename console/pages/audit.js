// The audit trail: verify every chain (each record unchanged, in place, linked), and search it.
import { api, ApiError, errorText, query } from '../lib/api.js';
import { h, message, section } from '../lib/dom.js';
import { code, formatNumber, formatTime, t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';

function verification(result) {
  return h('div', { id: 'audit-verification', class: result.ok ? 'verified ok' : 'verified broken', dataset: { ok: String(result.ok) } },
    h('p', { class: 'verdict', text: `${result.ok ? t('chainOk') : t('chainBroken')} · ${t('verifiedAt')} ${formatTime(result.verified_at)}` }),
    dataTable([
      { key: 'chain', label: t('chain'), code: true }, { key: 'records', label: t('records'), num: true },
      { key: 'ok', label: t('status'), render: (c) => h('span', { class: `state state-${c.ok ? 'ok' : 'broken'}`, text: code('state', c.ok ? 'ok' : 'broken') }), csv: (c) => (c.ok ? 'ok' : 'broken') },
      { key: 'head', label: t('head'), code: true, render: (c) => (c.head ? `#${c.head.seq} ${c.head.hash.slice(0, 16)}…` : ''), csv: (c) => (c.head ? `${c.head.seq} ${c.head.hash}` : '') },
      { key: 'firstBad', label: t('firstBad'), render: (c) => (c.firstBad ? h('span', {}, t('lineN', { line: formatNumber(c.firstBad.line) }), ': ', h('span', { translate: 'no', text: c.firstBad.problem })) : ''), csv: (c) => (c.firstBad ? `line ${c.firstBad.line}: ${c.firstBad.problem}` : '') },
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
        verifyBox.replaceChildren(message(`${t('error')}: ${errorText(error)}`, 'error'));
      } finally {
        verifyButton.disabled = false;
      }
    },
  });
  root.append(section(t('verify'), verifyButton, verifyBox));

  if (!ctx.me.roles.includes('auditor')) return root.append(section(t('search'), message(t('searchNeedsAuditor'), 'info')));
  const inputs = Object.fromEntries(FILTERS.map((name) => [name, name === 'outcome'
    ? h('select', { name }, ['', 'allowed', 'denied', 'error'].map((v) => h('option', { value: v, selected: ctx.params.outcome === v, text: v ? code('state', v) : t('all') })))
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
    problem = message(t('auditFilterRefused'), 'error');
    problem.title = error.message;
  }
  root.append(section(t('search'), form, problem, dataTable([
    { key: 'time', label: t('time'), render: (r) => formatTime(r.time), csv: (r) => r.time }, { key: 'client', label: t('client'), code: true, filter: true }, { key: 'department', label: t('department'), code: true },
    { key: 'purpose', label: t('purpose'), code: true }, { key: 'resource', label: t('resource'), code: true, filter: true }, { key: 'action', label: t('action'), code: true },
    { key: 'subjects', label: t('subjects'), code: true, render: (r) => r.subjects.join(', '), csv: (r) => r.subjects.join(' ') },
    { key: 'outcome', label: t('outcome'), render: (r) => h('span', { class: `state state-${r.outcome}`, text: `${code('state', r.outcome)} ${r.status}` }), csv: (r) => r.outcome, filter: true, filterValue: (r) => code('state', r.outcome) },
    { key: 'reason', label: t('reason'), code: true }, { key: 'chain', label: t('chain'), code: true }, { key: 'seq', label: '#', num: true },
  ], { name: 'audit-records', rows: records, id: 'audit-records' })));
}
