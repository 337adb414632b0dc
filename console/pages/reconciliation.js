// Reconciliation of a period: where departments disagree (both values side by side, with the
// source rows), ID numbers repaired and left unresolved, orphans. A steward accepts or rejects
// each repair with a reason; the decision is recorded and audited by the API.
import { allRows, api, ApiError, query } from '../lib/api.js';
import { definitionList, h, message, section } from '../lib/dom.js';
import { formatNumber, formatTime, t } from '../lib/i18n.js';
import { dataTable, pager } from '../lib/table.js';
import { choosePeriod, noReports, periodPicker, toolbar } from './common.js';

const PAGE = 50;

function sourcesText(row) {
  try {
    return JSON.parse(row.sources).map((s) => `${s.department}: ${s.value ?? '∅'} (${s.file}:${s.line})`).join('\n');
  } catch {
    return String(row.sources ?? '');
  }
}

function counts(record) {
  const entries = Object.entries(record ?? {});
  return entries.length === 0 ? t('none') : entries.map(([k, n]) => `${k}: ${formatNumber(n)}`).join(' · ');
}

async function paged(ctx, period, path, filters, offsetParam) {
  const offset = Math.max(0, Number(ctx.params[offsetParam] ?? 0) || 0);
  const page = await api(`/v1/reports/${period}/${path}${query({ ...filters, offset, limit: PAGE })}`);
  return { page, more: pager(page, (next) => ctx.go({ ...ctx.params, period, [offsetParam]: next })), all: () => allRows(`/v1/reports/${period}/${path}`, filters) };
}

function decisionCell(row, period, canDecide) {
  const cell = h('div', { class: 'decision' });
  const show = (decision) => {
    cell.replaceChildren();
    if (decision) {
      cell.append(h('span', { class: `state state-${decision.decision}`, text: t(decision.decision) }),
        h('span', { class: 'why', text: ` ${decision.reason} — ${decision.decided_by}, ${formatTime(decision.decided_at)}` }));
    }
    if (!canDecide) return;
    const reason = h('input', { type: 'text', name: 'reason', placeholder: t('reasonPlaceholder'), class: 'reason', maxlength: '2000' });
    const feedback = h('span', { class: 'feedback' });
    const decide = (verdict) => async () => {
      if (!reason.value.trim()) return feedback.replaceChildren(message(t('reasonRequired'), 'error'));
      try {
        show(await api(`/v1/reports/${period}/id-resolutions/${row.repair_id}/decision`, { method: 'POST', body: { decision: verdict, reason: reason.value.trim() } }));
      } catch (error) {
        feedback.replaceChildren(message(error instanceof ApiError ? error.message : String(error), 'error'));
      }
    };
    cell.append(h('div', { class: 'decide' }, reason,
      h('button', { type: 'button', class: 'accept', text: t('accept'), onclick: decide('accept') }),
      h('button', { type: 'button', class: 'reject', text: t('reject'), onclick: decide('reject') }), feedback));
  };
  show(row.decision);
  return cell;
}

export async function reconciliationPage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const summary = await api(`/v1/reports/${period}`);
  root.append(toolbar(periodPicker(ctx, periods, period)));
  const r = summary.reconciliation;
  if (!r) return root.append(message(t('noReports'), 'warn'));
  root.append(section(t('reconciliation'), definitionList([
    [t('persons'), `${formatNumber(r.views.persons)} · sha256 ${r.views.population_view_sha256.slice(0, 16)}…`],
    [t('entities'), `${formatNumber(r.views.entities)} · sha256 ${r.views.legal_entity_view_sha256.slice(0, 16)}…`],
    [t('conflicts'), counts(r.conflicts_by_kind)],
    [t('idRepairs'), `${formatNumber(r.repaired)} · ${t('unresolvedIds')}: ${formatNumber(r.unresolved)}`],
    [t('orphans'), counts(r.orphans_by_dataset)],
    ...(r.month_over_month ? [[`${t('monthOverMonth')} (${r.month_over_month.previous_period})`, counts(Object.fromEntries(Object.entries(r.month_over_month).filter(([k]) => k !== 'previous_period')))]] : []),
  ])));

  const [conflicts, repairs, unresolved, orphans] = await Promise.all([
    paged(ctx, period, 'conflicts', {}, 'coff'),
    paged(ctx, period, 'id-resolutions', { status: 'repaired' }, 'roff'),
    paged(ctx, period, 'id-resolutions', { status: 'unresolved' }, 'uoff'),
    paged(ctx, period, 'orphans', {}, 'ooff'),
  ]);
  root.append(section(t('conflicts'), dataTable([
    { key: 'kind', label: t('kind') }, { key: 'subject_id', label: t('subject') },
    { key: 'authority', label: t('authority'), class: 'side-a' }, { key: 'authority_value', label: t('authorityValue'), class: 'side-a' },
    { key: 'other_department', label: t('otherDepartment'), class: 'side-b' }, { key: 'other_value', label: t('otherValue'), class: 'side-b' },
    { key: 'sources', label: t('sources'), class: 'raw', render: sourcesText, csv: sourcesText },
  ], { name: `conflicts-${period}`, rows: conflicts.page.rows, allRows: conflicts.all, id: 'conflicts' }), conflicts.more));

  const canDecide = ctx.me.roles.includes('steward');
  const decisionText = (row) => (row.decision ? `${row.decision.decision}: ${row.decision.reason}` : '');
  root.append(section(t('idRepairs'), dataTable([
    { key: 'connector', label: t('connector') }, { key: 'file', label: t('file') }, { key: 'line', label: t('line'), class: 'num' },
    { key: 'field', label: t('field') }, { key: 'name', label: t('name') }, { key: 'original', label: t('original') },
    { key: 'repaired_id', label: t('repaired') }, { key: 'problem', label: t('problem') }, { key: 'evidence', label: t('evidence') },
    { key: 'decision', label: t('decision'), render: (row) => decisionCell(row, period, canDecide), csv: decisionText },
  ], { name: `id-repairs-${period}`, rows: repairs.page.rows, allRows: repairs.all, id: 'id-repairs', onRow: (row, tr) => { tr.dataset.repair = row.repair_id; } }), repairs.more));

  root.append(section(t('unresolvedIds'), dataTable([
    { key: 'connector', label: t('connector') }, { key: 'file', label: t('file') }, { key: 'line', label: t('line'), class: 'num' },
    { key: 'field', label: t('field') }, { key: 'name', label: t('name') }, { key: 'original', label: t('original') },
    { key: 'problem', label: t('problem') }, { key: 'evidence', label: t('evidence') }, { key: 'candidate_ids', label: t('candidates') },
  ], { name: `unresolved-ids-${period}`, rows: unresolved.page.rows, allRows: unresolved.all, id: 'unresolved-ids' }), unresolved.more));

  root.append(section(t('orphans'), dataTable([
    { key: 'subject_type', label: t('kind') }, { key: 'subject_id', label: t('subject') }, { key: 'dataset', label: t('dataset') },
    { key: 'field', label: t('field') }, { key: 'department', label: t('department') }, { key: 'file', label: t('file') }, { key: 'line', label: t('line'), class: 'num' },
  ], { name: `orphans-${period}`, rows: orphans.page.rows, allRows: orphans.all, id: 'orphans' }), orphans.more));
}
