// Applications waiting for a person: those the automatic review could not approve
// (GET /v1/applications/decisions?outcome=manual_review), each with the rules it did not meet,
// why, and every fact the review read with the department record it came from, so the person
// deciding sees what the machine saw; a steward approves or refuses each with a reason and a
// confirmation (POST /v1/applications/decisions/:id/review). Approved ones can be listed too.
import { api, query } from '../lib/api.js';
import { h, section, select } from '../lib/dom.js';
import { code, formatNumber, formatTime, language, t } from '../lib/i18n.js';
import { unmetWhy } from '../lib/messages.js';
import { decideForm } from '../lib/decide.js';
import { dataTable, pager } from '../lib/table.js';
import { toolbar } from './common.js';

const PAGE = 50;
const OUTCOMES = ['manual_review', 'approved'];

/** Where a fact came from, in one line: the department and its file and line, or why there is none. */
export function sourceText(source) {
  if (!source) return t('noSource');
  const where = source.file ? `${source.file}${source.line !== undefined && source.line !== null ? `:${source.line}` : ''}` : '';
  return [source.department ?? source.note ?? '', where, source.register ? `${source.register} ${source.period ?? ''}`.trim() : ''].filter(Boolean).join(' · ');
}

const valueText = (value) => (value === null || value === undefined ? '∅' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const inputText = (d) => Object.entries(d.input ?? {}).map(([name, value]) => `${name}=${value}`).join('\n');
const unmetText = (d) => (d.unmet ?? []).map((u) => `${u.rule}: ${u.says} (${u.why})`).join('\n');
const codeSpan = (text) => h('span', { translate: 'no', text });

/** A type's title is "中文: English": the part in the page's language. */
export function typeTitle(title) {
  const [zh, ...en] = String(title).split(/:\s*/);
  return language() === 'en' && en.length ? en.join(': ') : zh;
}
const factsText = (d) => Object.entries(d.facts ?? {}).map(([path, f]) => `${path}=${valueText(f.value)} [${sourceText(f.source)}]`).join('\n');

function unmetList(d) {
  if (!d.unmet?.length) return t('none');
  return h('ul', { class: 'unmet' }, d.unmet.map((u) => h('li', { dataset: { rule: u.rule } },
    h('strong', { text: code('appRule', u.rule) }), h('div', { class: 'why' }, unmetWhy(u.why)))));
}

function factsBlock(d) {
  const facts = Object.entries(d.facts ?? {});
  const count = `${formatNumber(facts.length)} ${t('factsUsed')}`;
  return h('details', { class: 'facts-used' }, h('summary', { text: count }),
    h('ul', { class: 'facts-list' }, facts.map(([path, f]) => h('li', { dataset: { fact: path } },
      h('code', { translate: 'no', text: path }), ' = ', h('strong', { translate: 'no', text: valueText(f.value) }), h('div', { class: 'source', translate: 'no', text: sourceText(f.source) })))),
    d.notFound?.length ? h('p', { class: 'message warn' }, `${t('notFound')}: `, codeSpan(d.notFound.join('; '))) : null);
}

/** The type's short name (its title up to the colon), the whole title on hover. */
function typeCell(d, titles) {
  const title = titles.get(d.type) ?? d.type;
  return h('span', { text: typeTitle(title) });
}

function reviewCell(d, review, canDecide, rerender) {
  if (review) {
    return h('div', { class: 'decision', dataset: { reviewed: review.decision } }, h('span', { class: `state state-${review.decision}`, text: code('state', review.decision === 'approved' ? 'approvedByPerson' : 'refused') }),
      h('div', { class: 'why' }, codeSpan(review.reason), ` — `, codeSpan(review.decidedBy), `, ${formatTime(review.decidedAt)}`));
  }
  if (!canDecide || d.decision !== 'manual_review') return '';
  return decideForm({
    actions: [{ id: 'approve', label: t('approve'), class: 'approve' }, { id: 'refuse', label: t('refuse'), class: 'refuse' }],
    confirmText: (action, reason) => t('confirmApplication', { action: t(action), id: d.id, reason }),
    onDecide: async (action, reason) => {
      await api(`/v1/applications/decisions/${d.id}/review`, { method: 'POST', body: { decision: action, reason } });
      rerender();
    },
  });
}

function columns(titles, reviews, canDecide, rerender) {
  return [
    { key: 'id', label: t('decisionId'), class: 'mono', code: true },
    { key: 'receivedAt', label: t('receivedAt'), render: (d) => formatTime(d.receivedAt), csv: (d) => d.receivedAt },
    { key: 'type', label: t('applicationType'), render: (d) => typeCell(d, titles), csv: (d) => d.type },
    { key: 'input', label: t('applicant'), class: 'inputs', code: true, render: inputText, csv: inputText },
    { key: 'by', label: t('clerk'), code: true },
    { key: 'period', label: t('period'), class: 'nowrap' },
    { key: 'decision', label: t('outcome'), render: (d) => h('span', { class: `state state-${d.decision}`, text: t(d.decision) }), csv: (d) => d.decision, filter: true },
    { key: 'review', label: t('personDecision'), render: (d) => reviewCell(d, reviews.get(d.id), canDecide, rerender), csv: (d) => (reviews.get(d.id) ? `${reviews.get(d.id).decision}: ${reviews.get(d.id).reason}` : '') },
    { key: 'unmet', label: t('unmetRules'), render: unmetList, csv: unmetText },
    { key: 'facts', label: t('factsAndSources'), render: factsBlock, csv: factsText },
  ];
}

/** Every decision the filters select, page by page (for the CSV download). */
async function allDecisions(filters) {
  const decisions = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api(`/v1/applications/decisions${query({ ...filters, offset, limit: 1000 })}`);
    decisions.push(...page.decisions);
    if (decisions.length >= page.total || page.decisions.length === 0) return decisions;
  }
}

export async function applicationsPage(root, ctx) {
  // Without a choice, the page is about what waits for a person; "all" is an explicit choice.
  const outcome = ctx.params.outcome === 'all' ? '' : OUTCOMES.includes(ctx.params.outcome) ? ctx.params.outcome : 'manual_review';
  const type = ctx.params.type ?? '';
  const offset = Math.max(0, Number(ctx.params.offset ?? 0) || 0);
  const filters = { outcome, type };
  const [page, reviewed] = await Promise.all([api(`/v1/applications/decisions${query({ ...filters, offset, limit: PAGE })}`), api('/v1/applications/reviews')]);
  const reviews = new Map(reviewed.reviews.map((r) => [r.id, r]));
  const canDecide = ctx.me.roles.includes('steward');
  const titles = new Map(page.types.map((x) => [x.type, x.title]));
  const here = { outcome: outcome || 'all', type };

  root.append(toolbar(
    select(t('outcome'), [
      ...OUTCOMES.map((o) => ({ value: o, label: `${t(o)} (${formatNumber(page.outcomes[o])})` })),
      { value: 'all', label: `${t('all')} (${formatNumber(page.outcomes.manual_review + page.outcomes.approved)})` },
    ], here.outcome, (value) => ctx.go({ type, outcome: value }), 'outcome'),
    select(t('applicationType'), [{ value: '', label: t('all') }, ...page.types.map((x) => ({ value: x.type, label: typeTitle(x.title) }))], type,
      (value) => ctx.go({ outcome: here.outcome, type: value }), 'type')));
  root.append(section(outcome === 'manual_review' ? t('waitingForPerson') : t('applicationDecisions'), dataTable(columns(titles, reviews, canDecide, () => ctx.go({ ...ctx.params })), {
    name: `applications-${here.outcome}${type ? `-${type}` : ''}`, rows: page.decisions, id: 'applications', allRows: () => allDecisions(filters),
    empty: outcome === 'manual_review' ? t('noneWaiting') : t('none'),
    onRow: (d, tr) => { tr.dataset.decision = d.id; },
  }), pager({ total: page.total, offset, limit: PAGE }, (next) => ctx.go({ ...here, offset: next }))));
}
