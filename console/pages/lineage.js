// Lineage (GET /v1/lineage/:period): from a published field back to the models, canonical
// tables, department datasets and this period's files it came from, and from any of them
// forward to what it feeds, drawn as a graph, left (files) to right (fields). Choosing a node
// walks from it; a dataset or a file leads to its lines in the drill-down, and the drill-down
// back here.
import { api } from '../lib/api.js';
import { h, section, select } from '../lib/dom.js';
import { code, formatNumber, t } from '../lib/i18n.js';
import { choosePeriod, noReports, periodPicker, toolbar } from './common.js';

const NS = 'http://www.w3.org/2000/svg';
const COLUMNS = ['file', 'dataset', 'table', 'model', 'field'];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Columns by kind, nodes stacked in each; edges as curves from right edge to left edge. */
export function lineageSvg(graph, chosen, onChoose) {
  const boxW = 230, boxH = 34, gapX = 60, gapY = 12, pad = 10;
  const byKind = COLUMNS.map((kind) => graph.nodes.filter((n) => n.kind === kind).sort((a, b) => a.label.localeCompare(b.label)));
  const rows = Math.max(1, ...byKind.map((c) => c.length));
  const width = pad * 2 + COLUMNS.length * boxW + (COLUMNS.length - 1) * gapX;
  const height = pad * 2 + 24 + rows * (boxH + gapY);
  const at = new Map();
  byKind.forEach((nodes, col) => nodes.forEach((n, row) => at.set(n.id, { x: pad + col * (boxW + gapX), y: pad + 24 + row * (boxH + gapY) })));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'lineage', role: 'img', 'aria-label': t('lineage') });
  COLUMNS.forEach((kind, col) => root.append(svg('text', { x: pad + col * (boxW + gapX), y: pad + 12, class: 'axis column' }, code('lineageKind', kind))));
  for (const e of graph.edges) {
    const a = at.get(e.from), b = at.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + boxW, y1 = a.y + boxH / 2, x2 = b.x, y2 = b.y + boxH / 2, mid = (x1 + x2) / 2;
    root.append(svg('path', { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: 'edge', dataset: '' }));
  }
  for (const n of graph.nodes) {
    const p = at.get(n.id);
    if (!p) continue;
    const g = svg('g', { class: `node node-${n.kind}${n.id === chosen ? ' chosen' : ''}`, tabindex: '0', role: 'button', 'data-node': n.id });
    g.append(svg('rect', { x: p.x, y: p.y, width: boxW, height: boxH, rx: 4 }));
    const label = n.label.length > 28 ? `${n.label.slice(0, 27)}…` : n.label;
    g.append(svg('text', { x: p.x + 8, y: p.y + 15, class: 'node-label', translate: 'no' }, label));
    if (n.rows !== undefined) g.append(svg('text', { x: p.x + 8, y: p.y + 28, class: 'node-note' }, t('rowsCount', { n: formatNumber(n.rows) })));
    g.append(svg('title', {}, n.label));
    g.addEventListener('click', () => onChoose(n.id));
    g.addEventListener('keydown', (event) => { if (event.key === 'Enter') onChoose(n.id); });
    root.append(g);
  }
  return root;
}

export async function lineagePage(root, ctx) {
  const { periods, period } = await choosePeriod(ctx);
  if (!period) return root.append(noReports());
  const whole = await api(`/v1/lineage/${period}`);
  const fields = whole.nodes.filter((n) => n.kind === 'field').sort((a, b) => a.label.localeCompare(b.label));
  const chosen = whole.nodes.some((n) => n.id === ctx.params.node) ? ctx.params.node : fields[0]?.id;
  const graph = chosen ? await api(`/v1/lineage/${period}?node=${encodeURIComponent(chosen)}`) : whole;
  const node = graph.nodes.find((n) => n.id === chosen);
  root.append(toolbar(
    periodPicker(ctx, periods, period, { node: chosen }),
    select(t('publishedField'), fields.map((f) => ({ value: f.id, label: f.label, code: true })), chosen, (value) => ctx.go({ period, node: value }), 'field')));
  const choose = (id) => ctx.go({ period, node: id });
  const where = node?.connector
    ? h('p', { class: 'lineage-lines' }, h('a', { id: 'lineage-lines', href: `#/drilldown?period=${period}&connector=${encodeURIComponent(node.connector)}`, text: t('seeLines') }))
    : null;
  root.append(section(t('lineageOf', { kind: code('lineageKind', node?.kind ?? 'field') }), h('p', { class: 'chip', translate: 'no', id: 'lineage-chosen', text: node?.label ?? '' }), where,
    h('p', { class: 'hint', text: t('lineageHint') }),
    h('div', { class: 'scroll lineage-scroll', id: 'lineage-graph', dataset: { node: chosen ?? '' } }, lineageSvg(graph, chosen, choose))));
}
