// Cases from the cross-checks as a work queue (GET /v1/cases/queue): most money first then the
// oldest, or the oldest first; filtered by status, rule and who works on them. Choosing one
// shows its finding, evidence and history (GET /v1/cases/:id), who works on it and its notes
// (GET /v1/cases/:id/work); analysts and stewards assign it, note on it, and confirm, dismiss,
// resolve or reopen it with a reason and a confirmation. Each rule's outcome rate over the
// periods (GET /v1/cases/outcomes) says which rules are worth an analyst's time.
import { api, ApiError, errorText, query } from '../lib/api.js';
import { definitionList, h, message, section, select } from '../lib/dom.js';
import { code, fieldLabel, formatMoney, formatNumber, formatPercent, formatTime, t } from '../lib/i18n.js';
import { caseSummary } from '../lib/messages.js';
import { decideForm } from '../lib/decide.js';
import { dataTable, pager } from '../lib/table.js';
import { toolbar } from './common.js';
import { caseStatusBadge, ruleLabel, statusLabel } from './caseLabels.js';

const PAGE = 50;
const STATUSES = ['open', 'confirmed', 'dismissed', 'resolved'];
const ORDERS = ['amount', 'age'];

/** Which action applies to a case in which status: the API's lifecycle, so only possible buttons show. */
const ACTIONS = { confirm: ['open'], dismiss: ['open', 'confirmed'], resolve: ['confirmed'], reopen: ['dismissed', 'resolved'] };

const codeSpan = (text) => h('span', { translate: 'no', text: text ?? '' });
const periodsText = (c) => (c.periods?.length ? c.periods.join(' ') : c.firstPeriod ?? '');
const subjectText = (c) => [c.subjectId, c.subjectName].filter(Boolean).join(' ');
const amountOf = (c) => c.totalAmount ?? (typeof c.finding?.amount === 'number' ? c.finding.amount : null);
const ageDays = (c) => Math.max(0, Math.floor((Date.now() - new Date(c.openedAt).getTime()) / 86_400_000));

function listColumns() {
  return [
    { key: 'caseId', label: t('caseId'), class: 'mono', code: true },
    { key: 'rule', label: t('rule'), render: (c) => ruleLabel(c.rule), csv: (c) => c.rule, filter: true },
    { key: 'subject', label: t('subject'), code: true, render: subjectText, csv: subjectText },
    { key: 'periods', label: t('periods'), render: periodsText, csv: periodsText },
    { key: 'amount', label: t('totalAmount'), num: true, sort: amountOf, render: (c) => formatMoney(amountOf(c)), csv: (c) => amountOf(c) ?? '' },
    { key: 'age', label: t('ageDays'), num: true, sort: ageDays, render: (c) => formatNumber(ageDays(c)), csv: ageDays },
    { key: 'summary', label: t('summary'), render: caseSummary, csv: (c) => c.finding?.summary ?? '' },
    { key: 'status', label: t('status'), render: (c) => caseStatusBadge(c.status), csv: (c) => c.status },
    { key: 'assignee', label: t('assignee'), code: true, render: (c) => c.assignee ?? '', csv: (c) => c.assignee ?? '', filter: true },
    { key: 'notes', label: t('notes'), num: true },
    { key: 'openedAt', label: t('openedAt'), render: (c) => formatTime(c.openedAt), csv: (c) => c.openedAt },
  ];
}

/** Every case the filters select, in queue order, page by page (for the CSV download). */
async function allCases(filters) {
  const cases = [];
  for (let offset = 0; ; offset += 10000) {
    const page = await api(`/v1/cases/queue${query({ ...filters, offset, limit: 10000 })}`);
    cases.push(...page.cases);
    if (cases.length >= page.total || page.cases.length === 0) return cases;
  }
}

function filterOptions(all, counts, label) {
  return [{ value: '', label: t('all') }, ...Object.keys(counts ?? {}).sort().map((value) => ({ value, label: `${label(value)} (${formatNumber(counts[value])})` }))]
    .concat(all.filter((v) => !(v in (counts ?? {}))).map((value) => ({ value, label: `${label(value)} (0)` })));
}

function actionsFor(detail, onChanged) {
  const possible = Object.entries(ACTIONS).filter(([, from]) => from.includes(detail.status)).map(([action]) => action);
  if (possible.length === 0) return null;
  return decideForm({
    id: 'case-actions',
    actions: possible.map((action) => ({ id: action, label: t(action), class: `case-${action}` })),
    confirmText: (action, reason) => t('confirmCase', { id: detail.caseId, action: t(action), reason }),
    onDecide: async (action, reason) => {
      await api(`/v1/cases/${encodeURIComponent(detail.caseId)}/${action}`, { method: 'POST', body: { reason } });
      onChanged();
    },
  });
}

/** An evidence value said plainly: a source as department · file:line, a list one per line. */
function evidenceValue(value) {
  if (value === null || value === undefined) return '∅';
  if (Array.isArray(value)) return value.map(evidenceValue).join('\n');
  if (typeof value === 'object') {
    if ('file' in value || 'department' in value) return [value.department, value.file && `${value.file}:${value.line ?? ''}`, value.updated].filter(Boolean).join(' · ');
    return Object.entries(value).map(([k, v]) => `${k}: ${evidenceValue(v)}`).join('\n');
  }
  return String(value);
}

function evidenceBlock(evidence) {
  const entries = Object.entries(evidence ?? {});
  if (entries.length === 0) return null;
  return h('div', { class: 'evidence', id: 'case-evidence' }, h('h3', { text: t('evidence') }),
    definitionList(entries.map(([key, value]) => [fieldLabel(key), h('span', { class: 'evidence-value', translate: 'no', text: evidenceValue(value) })])));
}

function historyTable(detail) {
  return dataTable([
    { key: 'at', label: t('time'), render: (e) => formatTime(e.at), csv: (e) => e.at },
    { key: 'event', label: t('action'), render: (e) => t(e.event), csv: (e) => e.event },
    { key: 'status', label: t('status'), render: (e) => caseStatusBadge(e.status), csv: (e) => e.status },
    { key: 'by', label: t('by'), code: true },
    { key: 'reason', label: t('reason'), code: true },
  ], { name: `case-${detail.caseId}-history`, rows: detail.history ?? [], id: 'case-history' });
}

/** Who works on the case, and its notes: assign (to oneself by default) and add a note. */
function workBlock(detail, work, me, onChanged) {
  const feedback = h('div', { class: 'feedback' });
  const fail = (error) => feedback.replaceChildren(message(errorText(error), 'error'));
  const assignee = h('input', { type: 'text', name: 'assignee', value: work.assignee ?? me.id, 'aria-label': t('assignee'), class: 'reason' });
  const assign = h('button', { type: 'button', id: 'case-assign', text: t('assign'), onclick: async () => {
    if (!assignee.value.trim()) return feedback.replaceChildren(message(t('assigneeRequired'), 'error'));
    try { await api(`/v1/cases/${detail.caseId}/assign`, { method: 'POST', body: { assignee: assignee.value.trim() } }); onChanged(); } catch (error) { fail(error); }
  } });
  const note = h('textarea', { name: 'note', rows: '2', placeholder: t('notePlaceholder'), 'aria-label': t('notePlaceholder') });
  const addNote = h('button', { type: 'button', id: 'case-add-note', text: t('addNote'), onclick: async () => {
    if (!note.value.trim()) return feedback.replaceChildren(message(t('noteRequired'), 'error'));
    try { await api(`/v1/cases/${detail.caseId}/notes`, { method: 'POST', body: { text: note.value.trim() } }); onChanged(); } catch (error) { fail(error); }
  } });
  return h('div', { class: 'work', id: 'case-work', dataset: { assignee: work.assignee ?? '' } },
    h('h3', { text: t('work') }),
    definitionList([[t('assignee'), work.assignee ? h('span', {}, codeSpan(work.assignee), ` · ${formatTime(work.assignedAt)}`) : t('unassigned')]]),
    h('div', { class: 'decide' }, assignee, assign),
    h('ul', { class: 'notes', id: 'case-notes' }, work.notes.map((n) => h('li', {}, h('span', { class: 'why', text: `${formatTime(n.at)} · ` }), codeSpan(n.by), ': ', codeSpan(n.text)))),
    h('div', { class: 'decide' }, note, addNote), feedback);
}

async function caseDetailSection(caseId, canChange, me, onChanged) {
  let detail, work;
  try {
    [detail, work] = await Promise.all([api(`/v1/cases/${encodeURIComponent(caseId)}`), api(`/v1/cases/${encodeURIComponent(caseId)}/work`)]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return message(errorText(error), 'warn');
    throw error;
  }
  const f = detail.finding ?? {};
  return h('div', { id: 'case-detail', dataset: { case: detail.caseId, status: detail.status } }, section(`${t('case')} ${detail.caseId}`,
    definitionList([
      [t('status'), caseStatusBadge(detail.status)],
      [t('rule'), ruleLabel(detail.rule)],
      [t('subject'), h('span', {}, codeSpan(subjectText(detail)), ` · ${code('subjectType', detail.subjectType)}`)],
      [t('periods'), periodsText(detail)],
      [t('reason'), code('caseReason', f.reason)],
      [t('months'), (f.months ?? []).join(' ')],
      [t('amount'), formatMoney(f.amount)],
      [t('totalAmount'), formatMoney(detail.totalAmount)],
      [t('summary'), caseSummary(detail)],
      [t('openedAt'), formatTime(detail.openedAt)],
      [t('updatedAt'), formatTime(detail.updatedAt)],
    ]),
    evidenceBlock(f.evidence),
    canChange ? actionsFor(detail, onChanged) : null,
    canChange ? workBlock(detail, work, me, onChanged) : null,
    h('h3', { text: t('history') }), historyTable(detail)));
}

/** Per rule and period: found, confirmed, dismissed, open, and the rate confirmed of decided. */
function outcomesSection(outcomes) {
  return section(t('ruleOutcomes'), h('p', { class: 'hint', text: t('ruleOutcomesHint') }), dataTable([
    { key: 'rule', label: t('rule'), render: (o) => ruleLabel(o.rule), csv: (o) => o.rule, filter: true },
    { key: 'period', label: t('period'), filter: true },
    { key: 'found', label: t('found'), num: true },
    { key: 'confirmed', label: t('case_confirmed'), num: true },
    { key: 'dismissed', label: t('case_dismissed'), num: true },
    { key: 'open', label: t('case_open'), num: true },
    { key: 'rate', label: t('outcomeRate'), num: true, render: (o) => (o.rate === null ? t('notYetDecided') : formatPercent(o.rate, 1)), csv: (o) => o.rate ?? '' },
  ], { name: 'rule-outcomes', rows: outcomes, id: 'rule-outcomes', onRow: (o, tr) => { tr.dataset.rule = o.rule; tr.dataset.period = o.period; } }));
}

export async function casesPage(root, ctx) {
  const status = STATUSES.includes(ctx.params.status) ? ctx.params.status : '';
  const rule = ctx.params.rule ?? '';
  const order = ORDERS.includes(ctx.params.order) ? ctx.params.order : 'amount';
  const offset = Math.max(0, Number(ctx.params.offset ?? 0) || 0);
  const filters = { status, rule, order };
  const canChange = ctx.me.roles.some((r) => r === 'analyst' || r === 'steward');
  const chosen = ctx.params.case ?? '';
  const [page, counts, outcomes, detail] = await Promise.all([
    api(`/v1/cases/queue${query({ ...filters, offset, limit: PAGE })}`),
    api(`/v1/cases${query({ status, rule, limit: 1 })}`),
    api('/v1/cases/outcomes'),
    chosen ? caseDetailSection(chosen, canChange, ctx.me, () => ctx.go({ ...ctx.params })) : null,
  ]);

  root.append(toolbar(
    select(t('order'), ORDERS.map((o) => ({ value: o, label: t(`order_${o}`) })), order, (value) => ctx.go({ status, rule, order: value }), 'order'),
    select(t('status'), filterOptions(STATUSES, counts.counts?.statuses, statusLabel), status, (value) => ctx.go({ rule, order, status: value }), 'status'),
    select(t('rule'), filterOptions(rule ? [rule] : [], counts.counts?.rules, ruleLabel), rule, (value) => ctx.go({ status, order, rule: value }), 'rule')));
  const table = dataTable(listColumns(), {
    name: `cases${status ? `-${status}` : ''}${rule ? `-${rule}` : ''}`, rows: page.cases, id: 'cases', allRows: () => allCases(filters),
    onRow: (c, tr) => {
      tr.dataset.case = c.caseId;
      tr.dataset.status = c.status;
      tr.classList.add('clickable');
      if (c.caseId === chosen) tr.classList.add('selected');
      tr.tabIndex = 0;
      const show = () => ctx.go({ ...ctx.params, case: c.caseId });
      tr.addEventListener('click', show);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') show(); });
    },
  });
  // The chosen case above the list, where the page opens after every change.
  if (detail) root.append(detail);
  root.append(section(t('cases'), table, pager({ total: page.total, offset, limit: PAGE }, (next) => ctx.go({ ...filters, offset: next }))));
  root.append(outcomesSection(outcomes.outcomes));
}
