// The cycle of a period: its steps as the cycle recorded them (state, progress, attempts,
// errors) and late departments; without such a record, the batches from the report. Then the
// publication, with the override reason when checks had failed.
import { api } from '../lib/api.js';
import { definitionList, h, message, section } from '../lib/dom.js';
import { code, formatNumber, formatTime, t } from '../lib/i18n.js';
import { blockingFinding, runOutcome, stepDetail, stepName } from '../lib/messages.js';
import { dataTable } from '../lib/table.js';
import { choosePeriod, noReports, periodPicker, toolbar } from './common.js';

function progressText(progress) {
  if (!progress || typeof progress !== 'object') return '';
  return `${formatNumber(progress.done)} / ${formatNumber(progress.total)}`;
}

const stateBadge = (state) => h('span', { class: `state state-${String(state).replace(/\s/g, '-')}`, text: code('state', state) });
const said = (text) => h('span', { translate: 'no', text });

export function publicationSection(summary) {
  const p = summary.publication;
  const facts = p
    ? definitionList([[t('status'), t('published')], [t('publishedAt'), formatTime(p.published_at)], [t('publishedBy'), said(p.published_by)],
      ...(p.override_reason ? [[t('overrideReason'), said(p.override_reason)]] : [])])
    : definitionList([[t('status'), t('notPublished')], [t('publishable'), summary.publishable ? t('yes') : t('no')]]);
  const blocking = p ? p.blocking_findings : summary.blocking;
  return section(t('publication'), facts, blocking.length > 0
    ? h('div', { class: 'blocking' }, h('h3', { text: t('blocking') }), h('ul', {}, blocking.map((b) => h('li', {}, blockingFinding(b)))))
    : null);
}

export async function cyclePage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const [cycle, summary] = await Promise.all([api(`/v1/reports/${period}/cycle`), api(`/v1/reports/${period}`)]);
  root.append(toolbar(periodPicker(ctx, periods, period)));
  if (cycle.run) {
    const run = cycle.run;
    root.append(section(t('run'), definitionList([
      [t('state'), stateBadge(run.state)], [t('mode'), code('mode', run.mode)], [t('startedAt'), formatTime(run.startedAt)], [t('endedAt'), formatTime(run.endedAt)],
      ...(run.outcome ? [[t('outcome'), runOutcome(run.outcome)]] : []),
    ])));
    root.append(section(t('steps'), dataTable([
      { key: 'step', label: t('step'), render: (r) => stepName(r.step), csv: (r) => r.step },
      { key: 'state', label: t('state'), render: (r) => stateBadge(r.state), csv: (r) => r.state, filter: true, filterValue: (r) => code('state', r.state) },
      { key: 'progress', label: t('progress'), num: true, render: (r) => progressText(r.progress), csv: (r) => progressText(r.progress) },
      { key: 'attempts', label: t('attempts'), num: true },
      { key: 'startedAt', label: t('startedAt'), render: (r) => formatTime(r.startedAt), csv: (r) => r.startedAt },
      { key: 'durationMs', label: t('seconds'), num: true, render: (r) => (r.durationMs === undefined ? '' : formatNumber(r.durationMs / 1000, 1)) },
      { key: 'error', label: t('error_'), code: true },
      { key: 'detail', label: t('detail'), render: (r) => stepDetail(r.detail), csv: (r) => r.detail },
    ], { name: `cycle-${period}`, rows: cycle.steps, id: 'cycle-steps' })));
    if (cycle.awaited.length > 0) {
      root.append(section(t('lateDepartments'), dataTable([
        { key: 'id', label: t('connector'), code: true },
        { key: 'dueDate', label: t('dueDate') },
        { key: 'late', label: t('late'), render: (r) => (r.late ? t('yes') : t('no')), csv: (r) => (r.late ? 'yes' : 'no') },
        { key: 'error', label: t('error_'), code: true },
      ], { name: `awaited-${period}`, rows: cycle.awaited, id: 'awaited' })));
    }
  } else {
    root.append(message(t('noSteps'), 'info'));
  }
  root.append(section(t('batches'), dataTable([
    { key: 'connector', label: t('connector'), code: true },
    { key: 'status', label: t('status'), render: (r) => stateBadge(r.status), csv: (r) => r.status, filter: true, filterValue: (r) => code('state', r.status) },
    { key: 'rows_read', label: t('received'), num: true },
    { key: 'rows_loaded', label: t('loaded'), num: true },
    { key: 'rows_quarantined', label: t('quarantined'), num: true },
    { key: 'error', label: t('error_'), code: true },
  ], { name: `batches-${period}`, rows: summary.departments, id: 'batches' })));
  root.append(publicationSection(summary));
}
