// Tables of the console: sort by any column (click its header), search over every cell, filter
// by the values of the columns that offer it, pages of their own, a header that stays in view,
// and a CSV download of every row (for a table paged by the API, of every page). On a narrow
// screen a table scrolls sideways inside its block, and says so.
import { h } from './dom.js';
import { downloadCsv } from './csv.js';
import { t, formatNumber } from './i18n.js';

const PAGE_SIZE = 50;

/**
 * columns: [{ key, label, render?(row) -> Node|string, csv?(row) -> value, sort?(row) -> value,
 *             class?, num? (right-aligned), code? (a value, not words: never translated),
 *             filter? (offer its values as a filter), filterValue?(row) -> string }]
 * options: { name (CSV file name), rows, allRows?() -> Promise<rows> (CSV of every API page),
 *            onRow?(row, tr), empty?, id?, pageSize?, tools?: Node[] (beside the search) }
 */
export function dataTable(columns, options) {
  const state = { sort: null, dir: 1, query: '', filters: {}, page: 0 };
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const body = h('tbody');
  const info = h('span', { class: 'table-info' });
  const pages = h('div', { class: 'table-pages' });
  const headCells = columns.map((c, i) => {
    const th = h('th', { class: classOf(c), scope: 'col', dataset: { key: c.key }, 'aria-sort': 'none' },
      h('button', { type: 'button', class: 'sort', text: c.label, title: t('sortBy', { column: c.label }), onclick: () => sortBy(i) }));
    return th;
  });
  const sortBy = (i) => {
    state.dir = state.sort === i ? -state.dir : 1;
    state.sort = i;
    headCells.forEach((th, j) => th.setAttribute('aria-sort', j === i ? (state.dir > 0 ? 'ascending' : 'descending') : 'none'));
    state.page = 0;
    draw();
  };
  const search = h('input', { type: 'search', class: 'table-search', name: 'table-search', placeholder: t('searchTable'), 'aria-label': t('searchTable'),
    oninput: () => { state.query = search.value.trim().toLowerCase(); state.page = 0; draw(); } });
  const filters = columns.filter((c) => c.filter).map((c) => {
    const values = [...new Set(options.rows.map((r) => filterValueOf(c, r)))].filter((v) => v !== '').sort((a, b) => a.localeCompare(b));
    const control = h('select', { name: `filter-${c.key}`, 'aria-label': c.label, onchange: () => { state.filters[c.key] = control.value; state.page = 0; draw(); } },
      h('option', { value: '', text: `${c.label}: ${t('all')}` }), values.map((v) => h('option', { value: v, text: v, translate: c.code ? 'no' : undefined })));
    return control;
  });

  const texts = new Map(options.rows.map((row) => [row, columns.map((c) => textOf(c, row)).join('\u0001').toLowerCase()]));
  function visible() {
    let rows = options.rows.filter((row) => (!state.query || texts.get(row).includes(state.query))
      && columns.every((c) => !c.filter || !state.filters[c.key] || filterValueOf(c, row) === state.filters[c.key]));
    if (state.sort !== null) {
      const c = columns[state.sort];
      rows = rows.map((row) => [sortValueOf(c, row), row]).sort((a, b) => state.dir * compare(a[0], b[0])).map(([, row]) => row);
    }
    return rows;
  }
  function draw() {
    const rows = visible();
    const last = Math.max(0, Math.ceil(rows.length / pageSize) - 1);
    state.page = Math.min(state.page, last);
    const shown = rows.slice(state.page * pageSize, (state.page + 1) * pageSize);
    body.replaceChildren(...shown.map((row) => {
      const tr = h('tr', {}, columns.map((c) => h('td', { class: classOf(c, row[c.key]), translate: c.code ? 'no' : undefined, dataset: { label: c.label } }, cellContent(c, row))));
      if (options.onRow) options.onRow(row, tr);
      return tr;
    }));
    info.textContent = rows.length === options.rows.length
      ? t('rowsCount', { n: formatNumber(rows.length) })
      : t('rowsMatching', { n: formatNumber(rows.length), total: formatNumber(options.rows.length) });
    pages.replaceChildren();
    if (last > 0) {
      pages.append(
        h('button', { type: 'button', class: 'page-prev', text: t('prev'), disabled: state.page === 0, onclick: () => { state.page -= 1; draw(); } }),
        h('span', { text: t('pageOf', { page: formatNumber(state.page + 1), pages: formatNumber(last + 1) }) }),
        h('button', { type: 'button', class: 'page-next', text: t('next'), disabled: state.page >= last, onclick: () => { state.page += 1; draw(); } }));
    }
  }
  draw();

  const download = h('button', {
    type: 'button', class: 'csv', text: t('downloadCsv'), dataset: { table: options.name },
    onclick: async () => {
      const rows = options.allRows ? await options.allRows() : options.rows;
      downloadCsv(`${options.name}.csv`, columns.map((c) => c.label), rows.map((row) => columns.map((c) => (c.csv ? c.csv(row) : row[c.key]))));
    },
  });
  const table = h('table', { class: 'data', id: options.id }, h('thead', {}, h('tr', {}, headCells)), body);
  const empty = options.rows.length === 0 ? h('p', { class: 'empty', text: options.empty ?? t('none') }) : null;
  const scroll = h('div', { class: 'scroll', tabindex: '0' }, table);
  const cue = h('p', { class: 'scroll-cue', text: t('scrollCue'), 'aria-hidden': 'true' });
  const block = h('div', { class: 'table-block', dataset: { table: options.name } },
    h('div', { class: 'table-tools' }, options.rows.length > 0 ? search : null, filters, options.tools ?? null, info, download), cue, scroll, pages, empty);
  watchOverflow(block, scroll);
  return block;
}

/** Marks a block whose table is wider than its box, so the cue shows (and a test can see it). */
function watchOverflow(block, scroll) {
  const check = () => { block.dataset.overflow = String(scroll.scrollWidth > scroll.clientWidth + 1); };
  if (typeof ResizeObserver === 'function') new ResizeObserver(check).observe(scroll);
  requestAnimationFrame(check);
}

function classOf(column, value) {
  const classes = [column.class, column.num || typeof value === 'number' ? 'num' : null].filter(Boolean);
  return classes.length ? classes.join(' ') : undefined;
}

/** What a cell says (what a search or a filter matches): its rendered text. */
function textOf(column, row) {
  const content = cellContent(column, row);
  return content instanceof Node ? content.textContent : String(content ?? '');
}

function filterValueOf(column, row) {
  return column.filterValue ? String(column.filterValue(row) ?? '') : textOf(column, row);
}

function sortValueOf(column, row) {
  if (column.sort) return column.sort(row);
  const value = row[column.key];
  return typeof value === 'number' || typeof value === 'string' ? value : textOf(column, row);
}

function compare(a, b) {
  const emptyA = a === null || a === undefined || a === '', emptyB = b === null || b === undefined || b === '';
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function cellContent(column, row) {
  if (column.render) return column.render(row);
  const value = row[column.key];
  if (typeof value === 'number') return formatNumber(value);
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Previous / next over a table paged by the API. */
export function pager(page, onOffset) {
  const from = page.total === 0 ? 0 : page.offset + 1;
  const to = Math.min(page.offset + page.limit, page.total);
  if (page.total <= page.limit && page.offset === 0) return null;
  return h('div', { class: 'pager' },
    h('button', { type: 'button', text: t('prev'), disabled: page.offset === 0, onclick: () => onOffset(Math.max(0, page.offset - page.limit)) }),
    h('span', { text: t('rowsOf', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(page.total) }) }),
    h('button', { type: 'button', text: t('next'), disabled: to >= page.total, onclick: () => onOffset(page.offset + page.limit) }));
}
