// Reconciliation of a period: where departments disagree (both values side by side, with the
// source rows), ID numbers repaired (the original and the repair compared, differing characters
// marked) and left unresolved, orphans. A steward accepts or rejects repairs one by one or every
// repair of one evidence class at once, with one reason and a confirmation that says when the
// decision takes effect (when the period is governed again).
import { allRows, api, query } from '../lib/api.js';
import { definitionList, h, message, section } from '../lib/dom.js';
import { code, fieldLabel, formatNumber, formatTime, t } from '../lib/i18n.js';
import { evidenceClass, evidenceText, problemText } from '../lib/messages.js';
import { sideBySide } from '../lib/diff.js';
import { decideForm } from '../lib/decide.js';
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

function counts(record, kind) {
  const entries = Object.entries(record ?? {});
  return entries.length === 0 ? t('none') : entries.map(([k, n]) => `${kind ? code(kind, k) : k}: ${formatNumber(n)}`).join(' · ');
}

const codeSpan = (text) => h('span', { translate: 'no', text });

async function paged(ctx, period, path, filters, offsetParam) {
  const offset = Math.max(0, Number(ctx.params[offsetParam] ?? 0) || 0);
  const page = await api(`/v1/reports/${period}/${path}${query({ ...filters, offset, limit: PAGE })}`);
  return { page, more: pager(page, (next) => ctx.go({ ...ctx.params, period, [offsetParam]: next })), all: () => allRows(`/v1/reports/${period}/${path}`, filters) };
}

const verdictLabel = (v) => (v === 'accept' ? t('accept') : t('reject'));

function decisionCell(row, period, canDecide, rerender) {
  const cell = h('div', { class: 'decision' });
  const d = row.decision;
  if (d) {
    cell.append(h('span', { class: `state state-${d.decision}`, text: code('state', d.decision) }),
      h('span', { class: 'why' }, ' ', codeSpan(d.reason), ' — ', codeSpan(d.decided_by), `, ${formatTime(d.decided_at)}`));
  }
  if (canDecide) {
    cell.append(decideForm({
      actions: [{ id: 'accept', label: t('accept'), class: 'accept' }, { id: 'reject', label: t('reject'), class: 'reject' }],
      confirmText: (action, reason) => t('confirmRepair', { action: verdictLabel(action), reason, period }),
      onDecide: async (action, reason) => {
        await api(`/v1/reports/${period}/id-resolutions/${row.repair_id}/decision`, { method: 'POST', body: { decision: action, reason } });
        rerender();
      },
    }));
  }
  return cell;
}

/** One reason for every repair of an evidence class. */
function bulkForm(repairs, period, rerender) {
  const classes = new Map();
  for (const r of repairs) classes.set(evidenceClass(r.evidence), [...(classes.get(evidenceClass(r.evidence)) ?? []), r]);
  const choice = h('select', { name: 'evidence-class', 'aria-label': t('evidenceClass') },
    [...classes.entries()].map(([cls, rows]) => h('option', { value: cls, text: `${code('repairKind', cls)} (${formatNumber(rows.length)} · ${t('undecided')} ${formatNumber(rows.filter((x) => !x.decision).length)})` })));
  const done = h('div', { class: 'effect', id: 'bulk-effect' });
  const form = decideForm({
    id: 'bulk-decide',
    actions: [{ id: 'accept', label: t('acceptAll'), class: 'accept' }, { id: 'reject', label: t('rejectAll'), class: 'reject' }],
    confirmText: (action, reason) => t('confirmRepairs', { action: verdictLabel(action), n: formatNumber(classes.get(choice.value).length), cls: code('repairKind', choice.value), reason, period }),
    onDecide: async (action, reason) => {
      const ids = classes.get(choice.value).map((r) => r.repair_id);
      const answer = await api(`/v1/reports/${period}/id-resolutions/decisions`, { method: 'POST', body: { decision: action, reason, repair_ids: ids } });
      sessionStorage.setItem('dx.bulkEffect', t('takesEffect', { n: formatNumber(answer.decided.length), period }));
      rerender();
    },
  });
  const last = sessionStorage.getItem('dx.bulkEffect');
  if (last) { done.append(message(last, 'info')); sessionStorage.removeItem('dx.bulkEffect'); }
  return h('div', { class: 'bulk' }, h('label', { class: 'field' }, h('span', { text: t('evidenceClass') }), choice), form, done);
}

export async function reconciliationPage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const summary = await api(`/v1/reports/${period}`);
  root.append(toolbar(periodPicker(ctx, periods, period)));
  const r = summary.reconciliation;
  if (!r) return root.append(message(t('noReports'), 'warn'));
  root.append(section(t('reconciliation'), definitionList([
    [t('persons'), h('span', {}, formatNumber(r.views.persons), ' · ', codeSpan(`sha256 ${r.views.population_view_sha256.slice(0, 16)}…`))],
    [t('entities'), h('span', {}, formatNumber(r.views.entities), ' · ', codeSpan(`sha256 ${r.views.legal_entity_view_sha256.slice(0, 16)}…`))],
    [t('conflicts'), counts(r.conflicts_by_kind, 'conflict')],
    [t('idRepairs'), `${formatNumber(r.repaired)} · ${t('unresolvedIds')}: ${formatNumber(r.unresolved)}`],
    [t('orphans'), codeSpan(counts(r.orphans_by_dataset))],
    ...(r.month_over_month ? [[`${t('monthOverMonth')} (${r.month_over_month.previous_period})`, counts(Object.fromEntries(Object.entries(r.month_over_month).filter(([k]) => k !== 'previous_period')), 'change')]] : []),
  ])));

  const [conflicts, unresolved, orphans, repairs] = await Promise.all([
    paged(ctx, period, 'conflicts', {}, 'coff'),
    paged(ctx, period, 'id-resolutions', { status: 'unresolved' }, 'uoff'),
    paged(ctx, period, 'orphans', {}, 'ooff'),
    allRows(`/v1/reports/${period}/id-resolutions`, { status: 'repaired' }),
  ]);
  root.append(section(t('conflicts'), dataTable([
    { key: 'kind', label: t('kind'), render: (c) => code('conflict', c.kind), csv: (c) => c.kind, filter: true }, { key: 'subject_id', label: t('subject'), code: true },
    { key: 'authority', label: t('authority'), class: 'side-a', code: true }, { key: 'authority_value', label: t('authorityValue'), class: 'side-a', code: true },
    { key: 'other_department', label: t('otherDepartment'), class: 'side-b', code: true }, { key: 'other_value', label: t('otherValue'), class: 'side-b', code: true },
    { key: 'sources', label: t('sources'), class: 'raw', code: true, render: sourcesText, csv: sourcesText },
  ], { name: `conflicts-${period}`, rows: conflicts.page.rows, allRows: conflicts.all, id: 'conflicts' }), conflicts.more));

  const canDecide = ctx.me.roles.includes('steward');
  const rerender = () => ctx.go({ ...ctx.params, period });
  const decisionText = (row) => (row.decision ? `${row.decision.decision}: ${row.decision.reason}` : '');
  root.append(section(t('idRepairs'), canDecide && repairs.length > 0 ? bulkForm(repairs, period, rerender) : null, dataTable([
    { key: 'connector', label: t('connector'), code: true, filter: true }, { key: 'file', label: t('file'), code: true }, { key: 'line', label: t('line'), num: true },
    { key: 'field', label: t('field'), render: (x) => fieldLabel(x.field), csv: (x) => x.field }, { key: 'name', label: t('name'), code: true },
    { key: 'compare', label: t('compare'), render: (x) => sideBySide(x.original, x.repaired_id), csv: (x) => `${x.original} -> ${x.repaired_id}` },
    { key: 'problem', label: t('problem'), render: (x) => problemText(x.problem), csv: (x) => x.problem, filter: true },
    { key: 'class', label: t('evidenceClass'), render: (x) => code('repairKind', evidenceClass(x.evidence)), csv: (x) => evidenceClass(x.evidence), filter: true },
    { key: 'evidence', label: t('evidence'), render: (x) => evidenceText(x.evidence), csv: (x) => x.evidence },
    { key: 'decision', label: t('decision'), render: (row) => decisionCell(row, period, canDecide, rerender), csv: decisionText, filterValue: (row) => (row.decision ? code('state', row.decision.decision) : t('undecided')), filter: true },
  ], { name: `id-repairs-${period}`, rows: repairs, id: 'id-repairs', onRow: (row, tr) => { tr.dataset.repair = row.repair_id; tr.dataset.evidenceClass = evidenceClass(row.evidence); } })));

  root.append(section(t('unresolvedIds'), dataTable([
    { key: 'connector', label: t('connector'), code: true }, { key: 'file', label: t('file'), code: true }, { key: 'line', label: t('line'), num: true },
    { key: 'field', label: t('field'), render: (x) => fieldLabel(x.field), csv: (x) => x.field }, { key: 'name', label: t('name'), code: true }, { key: 'original', label: t('original'), code: true },
    { key: 'problem', label: t('problem'), render: (x) => problemText(x.problem), csv: (x) => x.problem }, { key: 'evidence', label: t('evidence'), render: (x) => evidenceText(x.evidence), csv: (x) => x.evidence },
    { key: 'candidate_ids', label: t('candidates'), code: true, render: (x) => candidatesText(x.candidate_ids), csv: (x) => candidatesText(x.candidate_ids) },
  ], { name: `unresolved-ids-${period}`, rows: unresolved.page.rows, allRows: unresolved.all, id: 'unresolved-ids' }), unresolved.more));

  root.append(section(t('orphans'), dataTable([
    { key: 'subject_type', label: t('kind'), render: (x) => code('subjectType', x.subject_type), csv: (x) => x.subject_type }, { key: 'subject_id', label: t('subject'), code: true },
    { key: 'dataset', label: t('dataset'), code: true },
    { key: 'field', label: t('field'), render: (x) => fieldLabel(x.field), csv: (x) => x.field }, { key: 'department', label: t('department'), code: true }, { key: 'file', label: t('file'), code: true }, { key: 'line', label: t('line'), num: true },
  ], { name: `orphans-${period}`, rows: orphans.page.rows, allRows: orphans.all, id: 'orphans' }), orphans.more));
}

function candidatesText(value) {
  try {
    const list = typeof value === 'string' ? JSON.parse(value) : value;
    return Array.isArray(list) ? list.join('、') : String(value ?? '');
  } catch {
    return String(value ?? '');
  }
}
