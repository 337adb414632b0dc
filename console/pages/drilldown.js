// The rows behind the numbers: quarantined rows (file, line, raw text, reason) and rows failing a
// rule, paged from the report, with the whole row shown when one is chosen.
import { allRows, api, query } from '../lib/api.js';
import { definitionList, h, section, select } from '../lib/dom.js';
import { code, fieldLabel, t } from '../lib/i18n.js';
import { problemText, quarantineReason, ruleName } from '../lib/messages.js';
import { dataTable, pager } from '../lib/table.js';
import { choosePeriod, noReports, periodPicker, toolbar } from './common.js';

const PAGE = 50;

const COLUMNS = {
  quarantine: () => [
    { key: 'connector', label: t('connector'), code: true, filter: true }, { key: 'file', label: t('file'), code: true }, { key: 'line', label: t('line'), num: true },
    { key: 'stage', label: t('stage'), render: (r) => code('stage', r.stage), csv: (r) => r.stage, filter: true },
    { key: 'field', label: t('field'), render: (r) => fieldLabel(r.field), csv: (r) => r.field },
    { key: 'reason', label: t('reason'), render: (r) => quarantineReason(r.reason), csv: (r) => r.reason },
    { key: 'raw_line', label: t('rawLine'), class: 'raw', code: true },
  ],
  failures: () => [
    { key: 'connector', label: t('connector'), code: true, filter: true }, { key: 'rule_id', label: t('rule'), render: (r) => ruleName(r.rule_id), csv: (r) => r.rule_id, filter: true },
    { key: 'file', label: t('file'), code: true },
    { key: 'line', label: t('line'), num: true }, { key: 'value', label: t('value'), code: true }, { key: 'detail', label: t('detail'), render: (r) => problemText(r.detail), csv: (r) => r.detail },
  ],
};

export async function drilldownPage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const kind = ctx.params.kind === 'failures' ? 'failures' : 'quarantine';
  const summary = await api(`/v1/reports/${period}`);
  const connector = ctx.params.connector ?? '';
  const filters = kind === 'failures' ? { connector, rule_id: ctx.params.rule ?? '' } : { connector };
  const offset = Math.max(0, Number(ctx.params.offset ?? 0) || 0);
  const page = await api(`/v1/reports/${period}/${kind}${query({ ...filters, offset, limit: PAGE })}`);
  const here = { period, kind, connector, rule: ctx.params.rule };

  root.append(toolbar(
    periodPicker(ctx, periods, period, { kind, connector }),
    select(t('drillDown'), [{ value: 'quarantine', label: t('quarantineRows') }, { value: 'failures', label: t('failingRows') }], kind, (value) => ctx.go({ period, kind: value, connector }), 'kind'),
    select(t('connector'), [{ value: '', label: t('allDepartments') }, ...summary.departments.map((d) => ({ value: d.connector, label: d.connector, code: true }))], connector,
      (value) => ctx.go({ period, kind, connector: value }), 'connector'),
    ctx.params.rule ? h('span', { class: 'chip', text: `${t('rule')}: ${ruleName(ctx.params.rule)}` }) : null,
    connector && !ctx.me.roles.every((r) => r === 'provider') ? h('a', { id: 'drilldown-lineage', href: `#/lineage?period=${period}&node=${encodeURIComponent(`dataset:${connector}`)}`, text: t('lineageOfDataset') }) : null));

  const detail = h('div', { class: 'row-detail', id: 'row-detail' });
  const table = dataTable(COLUMNS[kind](), {
    name: `${kind}-${period}${connector ? `-${connector.replace('/', '-')}` : ''}`, rows: page.rows, id: 'drilldown-table',
    allRows: () => allRows(`/v1/reports/${period}/${kind}`, filters),
    onRow: (row, tr) => {
      tr.classList.add('clickable');
      tr.tabIndex = 0;
      const show = () => {
        for (const other of tr.parentElement.children) other.classList.remove('selected');
        tr.classList.add('selected');
        const shown = (c) => (c.render ? c.render(row) : h('span', { translate: c.code ? 'no' : undefined, text: String(row[c.key] ?? '') }));
        detail.replaceChildren(section(t('rowDetail'), definitionList(COLUMNS[kind]().filter((c) => c.key !== 'raw_line').map((c) => [c.label, shown(c)])),
          row.raw_line !== undefined ? h('pre', { class: 'raw-line', translate: 'no', text: row.raw_line ?? '' }) : null));
      };
      tr.addEventListener('click', show);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') show(); });
    },
  });
  root.append(section(kind === 'failures' ? t('failingRows') : t('quarantineRows'), table, pager(page, (next) => ctx.go({ ...here, offset: next }))), detail);
}
