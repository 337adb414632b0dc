// Cases from the cross-checks (GET /v1/cases), filtered by status and rule, 50 a page; choosing
// one shows its findings and history (GET /v1/cases/:id), and analysts and stewards confirm,
// dismiss, resolve or reopen it with a reason (POST /v1/cases/:id/:action).
import { api, ApiError, query } from '../lib/api.js';
import { definitionList, h, message, section, select } from '../lib/dom.js';
import { formatNumber, formatTime, t } from '../lib/i18n.js';
import { dataTable, pager } from '../lib/table.js';
import { toolbar } from './common.js';
import { caseStatusBadge, ruleLabel, statusLabel } from './caseLabels.js';

const PAGE = 50;
const STATUSES = ['open', 'confirmed', 'dismissed', 'resolved'];

/** Which action applies to a case in which status: the API's lifecycle, so only possible buttons show. */
const ACTIONS = { confirm: ['open'], dismiss: ['open', 'confirmed'], resolve: ['confirmed'], reopen: ['dismissed', 'resolved'] };

const money = (n) => (typeof n === 'number' ? `¥${formatNumber(n)}` : '');
const periodsText = (c) => (c.periods?.length ? c.periods.join(' ') : c.firstPeriod ?? '');
const subjectText = (c) => [c.subjectId, c.subjectName].filter(Boolean).join(' ');

function amountText(c) {
  const amount = c.finding?.amount;
  if (typeof amount !== 'number') return '';
  return c.totalAmount !== null && c.totalAmount !== amount ? `${money(amount)} (${t('totalAmount')} ${money(c.totalAmount)})` : money(amount);
}

function listColumns() {
  return [
    { key: 'caseId', label: t('caseId'), class: 'mono' },
    { key: 'rule', label: t('rule'), render: (c) => ruleLabel(c.rule), csv: (c) => c.rule },
    { key: 'subject', label: t('subject'), render: subjectText, csv: subjectText },
    { key: 'periods', label: t('periods'), render: periodsText, csv: periodsText },
    { key: 'amount', label: t('amount'), class: 'num', render: amountText, csv: (c) => c.finding?.amount ?? '' },
    { key: 'summary', label: t('summary'), render: (c) => c.finding?.summary ?? '', csv: (c) => c.finding?.summary ?? '' },
    { key: 'status', label: t('status'), render: (c) => caseStatusBadge(c.status), csv: (c) => c.status },
    { key: 'openedAt', label: t('openedAt'), render: (c) => formatTime(c.openedAt), csv: (c) => c.openedAt },
    { key: 'updatedAt', label: t('updatedAt'), render: (c) => formatTime(c.updatedAt), csv: (c) => c.updatedAt },
  ];
}

/** Every case the filters select, page by page (for the CSV download). */
async function allCases(filters) {
  const cases = [];
  for (let offset = 0; ; offset += 10000) {
    const page = await api(`/v1/cases${query({ ...filters, offset, limit: 10000 })}`);
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
  const reason = h('input', { type: 'text', name: 'reason', placeholder: t('reasonPlaceholder'), class: 'reason', maxlength: '2000' });
  const feedback = h('span', { class: 'feedback' });
  const act = (action) => async () => {
    if (!reason.value.trim()) return feedback.replaceChildren(message(t('reasonRequired'), 'error'));
    try {
      await api(`/v1/cases/${encodeURIComponent(detail.caseId)}/${action}`, { method: 'POST', body: { reason: reason.value.trim() } });
      onChanged();
    } catch (error) {
      feedback.replaceChildren(message(error instanceof ApiError ? error.message : String(error), 'error'));
    }
  };
  return h('div', { class: 'decide', id: 'case-actions' }, reason,
    possible.map((action) => h('button', { type: 'button', class: `case-${action}`, dataset: { action }, text: t(action), onclick: act(action) })), feedback);
}

function evidenceBlock(evidence) {
  const entries = Object.entries(evidence ?? {});
  if (entries.length === 0) return null;
  return h('details', { class: 'evidence', open: true }, h('summary', { text: t('evidence') }), h('pre', { class: 'raw-line', text: JSON.stringify(evidence, null, 2) }));
}

function historyTable(detail) {
  return dataTable([
    { key: 'at', label: t('time'), render: (e) => formatTime(e.at), csv: (e) => e.at },
    { key: 'event', label: t('action'), render: (e) => t(e.event), csv: (e) => e.event },
    { key: 'status', label: t('status'), render: (e) => caseStatusBadge(e.status), csv: (e) => e.status },
    { key: 'by', label: t('by') },
    { key: 'reason', label: t('reason') },
  ], { name: `case-${detail.caseId}-history`, rows: detail.history ?? [], id: 'case-history' });
}

async function caseDetailSection(caseId, canChange, onChanged) {
  let detail;
  try {
    detail = await api(`/v1/cases/${encodeURIComponent(caseId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return message(error.message, 'warn');
    throw error;
  }
  const f = detail.finding ?? {};
  return h('div', { id: 'case-detail', dataset: { case: detail.caseId, status: detail.status } }, section(`${t('case')} ${detail.caseId}`,
    definitionList([
      [t('status'), caseStatusBadge(detail.status)],
      [t('rule'), `${ruleLabel(detail.rule)} (${detail.rule})`],
      [t('subject'), `${subjectText(detail)} · ${detail.subjectType}`],
      [t('periods'), periodsText(detail)],
      [t('reason'), f.reason ?? ''],
      [t('months'), (f.months ?? []).join(' ')],
      [t('amount'), money(f.amount)],
      [t('totalAmount'), money(detail.totalAmount)],
      [t('summary'), f.summary ?? ''],
      [t('openedAt'), formatTime(detail.openedAt)],
      [t('updatedAt'), formatTime(detail.updatedAt)],
    ]),
    evidenceBlock(f.evidence),
    canChange ? actionsFor(detail, onChanged) : null,
    h('h3', { text: t('history') }), historyTable(detail)));
}

export async function casesPage(root, ctx) {
  const status = STATUSES.includes(ctx.params.status) ? ctx.params.status : '';
  const rule = ctx.params.rule ?? '';
  const offset = Math.max(0, Number(ctx.params.offset ?? 0) || 0);
  const filters = { status, rule };
  const canChange = ctx.me.roles.some((r) => r === 'analyst' || r === 'steward');
  const chosen = ctx.params.case ?? '';
  const [page, detail] = await Promise.all([
    api(`/v1/cases${query({ ...filters, offset, limit: PAGE })}`),
    chosen ? caseDetailSection(chosen, canChange, () => ctx.go({ ...ctx.params })) : null,
  ]);

  root.append(toolbar(
    select(t('status'), filterOptions(STATUSES, page.counts?.statuses, statusLabel), status, (value) => ctx.go({ rule, status: value }), 'status'),
    select(t('rule'), filterOptions(rule ? [rule] : [], page.counts?.rules, ruleLabel), rule, (value) => ctx.go({ status, rule: value }), 'rule')));
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
}
