// Building the page from data without ever parsing data as HTML: text goes in as text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', { text: title }), ...children);
}

export function message(text, kind = 'info') {
  return h('p', { class: `message ${kind}`, text });
}

export function definitionList(pairs) {
  return h('dl', { class: 'facts' }, pairs.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', {}, value instanceof Node ? value : String(value ?? ''))]));
}

export function select(label, options, value, onchange, name) {
  const control = h('select', { name, onchange: (e) => onchange(e.target.value) }, options.map((o) => h('option', { value: o.value, selected: o.value === value, text: o.label, translate: o.code ? 'no' : undefined })));
  return h('label', { class: 'field' }, h('span', { text: label }), control);
}
