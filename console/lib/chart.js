// Charts as inline SVG, drawn here: no library, nothing fetched. Colours come from the
// stylesheet (series-0, series-1, ...), so the strict CSP needs no inline style. Axes step by
// 1, 2 or 5 times a power of ten, whole numbers for counts (never a 37.5 tick).
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Ticks from 0 to at least `max`: about `count` steps of 1, 2 or 5 × 10^k (whole when `integer`). */
export function niceTicks(max, count = 4, integer = true) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((s) => s * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks.length >= 2 ? ticks : [0, step];
}

function figure(title, root, series, note) {
  const legend = document.createElement('div');
  legend.className = 'legend';
  series.forEach((s, n) => {
    const item = document.createElement('span');
    item.className = `key series-${n % 6}`;
    item.textContent = s.name;
    legend.append(item);
  });
  const out = document.createElement('figure');
  out.className = 'chart-figure';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  out.append(caption, root, legend);
  if (note) {
    const p = document.createElement('p');
    p.className = 'chart-note';
    p.textContent = note;
    out.append(p);
  }
  return out;
}

/**
 * xLabels: the x axis (periods); series: [{ name, values: number[] (one per x label) }].
 * Each point has a <title> with its value.
 */
export function lineChart({ title, xLabels, series, width = 560, height = 220, format = (n) => String(n), note, integer = true }) {
  const pad = { left: 56, right: 24, top: 16, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const ticks = niceTicks(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)))), 4, integer);
  const max = ticks[ticks.length - 1];
  const x = (i) => pad.left + (xLabels.length <= 1 ? plotW / 2 : (plotW * i) / (xLabels.length - 1));
  const y = (v) => pad.top + plotH - (plotH * v) / max;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  root.append(svg('title', {}, title));
  for (const v of ticks) {
    root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    root.append(svg('text', { x: pad.left - 6, y: y(v) + 4, class: 'axis tick', 'text-anchor': 'end' }, format(v)));
  }
  xLabels.forEach((label, i) => root.append(svg('text', { x: x(i), y: height - pad.bottom + 18, class: 'axis', 'text-anchor': 'middle' }, label)));
  series.forEach((s, n) => {
    const points = s.values.map((v, i) => [x(i), y(Number.isFinite(v) ? v : 0)]);
    root.append(svg('polyline', { points: points.map((p) => p.join(',')).join(' '), class: `line series-${n % 6}` }));
    points.forEach(([px, py], i) => {
      const dot = svg('circle', { cx: px, cy: py, r: 3.5, class: `dot series-${n % 6}` });
      dot.append(svg('title', {}, `${s.name} ${xLabels[i]}: ${format(s.values[i])}`));
      root.append(dot);
    });
  });
  return figure(title, root, series, note);
}

/**
 * Horizontal grouped bars, one group per row label: rows: [{ label, values: number[], note? }],
 * series: [{ name }] (one per value). A note (such as a drift) is written at the end of a group.
 */
export function barChart({ title, rows, series, width = 640, format = (n) => String(n), note }) {
  const bar = 9, gap = 3, groupGap = 10;
  const pad = { left: 250, right: 64, top: 24, bottom: 8 };
  const groupH = series.length * (bar + gap) + groupGap;
  const height = pad.top + rows.length * groupH + pad.bottom;
  const ticks = niceTicks(Math.max(0, ...rows.flatMap((r) => r.values.filter((v) => Number.isFinite(v)))), 4, true);
  const max = ticks[ticks.length - 1];
  const plotW = width - pad.left - pad.right;
  const x = (v) => pad.left + (plotW * v) / max;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-label': title });
  root.append(svg('title', {}, title));
  for (const v of ticks) {
    root.append(svg('line', { x1: x(v), x2: x(v), y1: pad.top - 4, y2: height - pad.bottom, class: 'grid' }));
    root.append(svg('text', { x: x(v), y: pad.top - 8, class: 'axis tick', 'text-anchor': 'middle' }, format(v)));
  }
  rows.forEach((row, r) => {
    const top = pad.top + r * groupH;
    root.append(svg('text', { x: pad.left - 6, y: top + (series.length * (bar + gap)) / 2 + 3, class: 'axis label', 'text-anchor': 'end', translate: 'no' }, row.label));
    row.values.forEach((v, n) => {
      const rect = svg('rect', { x: pad.left, y: top + n * (bar + gap), width: Math.max(0, x(Number.isFinite(v) ? v : 0) - pad.left), height: bar, class: `bar series-${n % 6}` });
      rect.append(svg('title', {}, `${row.label} · ${series[n].name}: ${format(v)}`));
      root.append(rect);
    });
    if (row.note) root.append(svg('text', { x: width - pad.right + 6, y: top + (series.length * (bar + gap)) / 2 + 3, class: `axis drift ${row.noteClass ?? ''}` }, row.note));
  });
  return figure(title, root, series, note);
}
