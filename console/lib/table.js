// Tables of the console: every one has a CSV download of what it holds (for a paged table, of
// every page), and optionally pages of its own.
import { h } from './dom.js';
import { downloadCsv } from './csv.js';
import { t, formatNumber } from './i18n.js';

/**
 * columns: [{ key, label, render?(row) -> Node|string, csv?(row) -> value, class? }]
 * options: { name (CSV file name), rows, allRows?() -> Promise<rows> (for CSV of every page),
 *            onRow?(row, tr), empty?, id? }
 */
export function dataTable(columns, options) {
  const head = h('tr', {}, columns.map((c) => h('th', { text: c.label, class: c.class })));
  const body = h('tbody', {}, options.rows.map((row) => {
    const tr = h('tr', {}, columns.map((c) => h('td', { class: c.class }, cellContent(c, row))));
    if (options.onRow) options.onRow(row, tr);
    return tr;
  }));
  const download = h('button', {
    type: 'button', class: 'csv', text: t('downloadCsv'), dataset: { table: options.name },
    onclick: async () => {
      const rows = options.allRows ? await options.allRows() : options.rows;
      downloadCsv(`${options.name}.csv`, columns.map((c) => c.label), rows.map((row) => columns.map((c) => (c.csv ? c.csv(row) : row[c.key]))));
    },
  });
  const table = h('table', { class: 'data', id: options.id }, h('thead', {}, head), body);
  const empty = options.rows.length === 0 ? h('p', { class: 'empty', text: options.empty ?? t('none') }) : null;
  return h('div', { class: 'table-block', dataset: { table: options.name } }, h('div', { class: 'table-tools' }, download), h('div', { class: 'scroll' }, table), empty);
}

function cellContent(column, row) {
  if (column.render) return column.render(row);
  const value = row[column.key];
  if (typeof value === 'number') return formatNumber(value);
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Previous / next over a paged API table. */
export function pager(page, onOffset) {
  const from = page.total === 0 ? 0 : page.offset + 1;
  const to = Math.min(page.offset + page.limit, page.total);
  return h('div', { class: 'pager' },
    h('button', { type: 'button', text: t('prev'), disabled: page.offset === 0, onclick: () => onOffset(Math.max(0, page.offset - page.limit)) }),
    h('span', { text: t('rowsOf', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(page.total) }) }),
    h('button', { type: 'button', text: t('next'), disabled: to >= page.total, onclick: () => onOffset(page.offset + page.limit) }));
}
