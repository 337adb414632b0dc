// Two strings side by side with the characters that differ marked: same length, each differing
// position; otherwise what lies between the common start and the common end.
import { h } from './dom.js';

export function differingRanges(a, b) {
  const x = [...(a ?? '')], y = [...(b ?? '')];
  if (x.length === y.length) {
    const marks = x.map((c, i) => c !== y[i]);
    return { a: marks, b: marks };
  }
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end++;
  return { a: x.map((_, i) => i >= start && i < x.length - end), b: y.map((_, i) => i >= start && i < y.length - end) };
}

function marked(text, marks) {
  const chars = [...(text ?? '')];
  const out = h('span', { class: 'diff', translate: 'no' });
  let run = '', runMarked = false;
  const flush = () => { if (run) out.append(runMarked ? h('mark', { text: run }) : document.createTextNode(run)); run = ''; };
  chars.forEach((c, i) => {
    if (marks[i] !== runMarked) { flush(); runMarked = marks[i]; }
    run += c;
  });
  flush();
  return out;
}

/** The original and the repair, one above the other, differing characters marked. */
export function sideBySide(original, repaired) {
  const ranges = differingRanges(original, repaired);
  return h('div', { class: 'compare' }, marked(original, ranges.a), h('span', { class: 'arrow', text: '→' }), marked(repaired, ranges.b));
}
