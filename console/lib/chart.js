// A line chart as inline SVG, drawn here: no library, nothing fetched. Colours come from the
// stylesheet (series-0, series-1, ...), so the strict CSP needs no inline style.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

/**
 * xLabels: the x axis (periods); series: [{ name, values: number[] (one per x label) }].
 * Returns an <svg> with a legend; each point has a <title> for its value.
 */
export function lineChart({ title, xLabels, series, width = 560, height = 220, format = (n) => String(n) }) {
  const pad = { left: 56, right: 40, top: 16, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)))));
  const x = (i) => pad.left + (xLabels.length <= 1 ? plotW / 2 : (plotW * i) / (xLabels.length - 1));
  const y = (v) => pad.top + plotH - (plotH * v) / max;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  root.append(svg('title', {}, title));
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    root.append(svg('text', { x: pad.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, format(v)));
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
  const legend = document.createElement('div');
  legend.className = 'legend';
  series.forEach((s, n) => {
    const item = document.createElement('span');
    item.className = `key series-${n % 6}`;
    item.textContent = s.name;
    legend.append(item);
  });
  const figure = document.createElement('figure');
  figure.className = 'chart-figure';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption, root, legend);
  return figure;
}
