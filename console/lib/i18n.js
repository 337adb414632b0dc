// Chinese by default, English as a switch (kept in this browser). Every word the console shows
// comes from here: its own labels (labels.js), the domain's codes (domainLabels.js), and
// numbers, money and times written one way. A key or code without a label is shown as it is and
// recorded in `missingLabels()`, which the browser test reads: an untranslated string fails it.
import { LABELS } from './labels.js';
import { CODES, FIELDS } from './domainLabels.js';

let lang = localStorage.getItem('dx.lang') === 'en' ? 'en' : 'zh';
const missing = new Set();
globalThis.dxMissingLabels = missing;

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('dx.lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

export function missingLabels() {
  return [...missing];
}

const pick = (pair) => pair[lang === 'en' ? 1 : 0];

/** The label for `key` in the current language, with {name} placeholders filled. */
export function t(key, values = {}) {
  const pair = LABELS[key];
  if (!pair) missing.add(key);
  const text = pair ? pick(pair) : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

export function hasLabel(key) {
  return Boolean(LABELS[key]);
}

/** The label of a code of one kind (a state, a stage, a reason...), or the code, recorded as missing. */
export function code(kind, value) {
  if (value === null || value === undefined || value === '') return '';
  const pair = CODES[kind]?.[value];
  if (!pair) missing.add(`${kind}:${value}`);
  return pair ? pick(pair) : String(value);
}

export function hasCode(kind, value) {
  return Boolean(CODES[kind]?.[value]);
}

/** A canonical field's name for people (a dataset's own column name in Chinese). */
export function fieldLabel(name) {
  if (!name) return '';
  const pair = FIELDS[name];
  if (!pair) missing.add(`field:${name}`);
  return pair ? pick(pair) : name;
}

const locale = () => (lang === 'en' ? 'en-US' : 'zh-CN');

/** A number with group separators (1,234,567). */
export function formatNumber(n, digits) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n === null || n === undefined ? '' : String(n);
  return n.toLocaleString(locale(), digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Yuan with two decimals and separators: ¥1,234.50. */
export function formatMoney(n) {
  const value = typeof n === 'string' && n.trim() !== '' ? Number(n) : n;
  return typeof value === 'number' && Number.isFinite(value) ? `¥${formatNumber(value, 2)}` : '';
}

export function formatPercent(ratio, digits = 2) {
  return typeof ratio === 'number' && Number.isFinite(ratio) ? `${formatNumber(ratio * 100, digits)}%` : '';
}

const pad = (n) => String(n).padStart(2, '0');

/** YYYY-MM-DD HH:mm in the browser's time zone: no day/month ambiguity in any language. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The label for `key` as a node, with the placeholders named in `codes` put in as data (marked
 * translate="no": a dataset's id, a value a department sent), the others as words.
 */
export function tn(key, values = {}, codes = []) {
  const pair = LABELS[key];
  if (!pair) missing.add(key);
  const text = pair ? pick(pair) : key;
  const out = document.createElement('span');
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    out.append(text.slice(last, m.index));
    const given = values[m[1]];
    const value = String(given ?? '');
    if (given instanceof Node) out.append(given);
    else if (codes.includes(m[1])) {
      const span = document.createElement('span');
      span.translate = false;
      span.textContent = value;
      out.append(span);
    } else out.append(value);
    last = m.index + m[0].length;
  }
  out.append(text.slice(last));
  return out;
}
