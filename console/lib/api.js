// The console's calls to the /v1 API: the key from this tab's sessionStorage in the
// Authorization header, never in a URL (URLs end up in logs and histories).
import { hasLabel, t } from './i18n.js';

const KEY = 'dx.apiKey';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** An API error said in the console's language: by its code when the console knows it, else its status. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t('errorUnexpected');
  const key = `err_${error.code}`;
  return hasLabel(key) ? t(key) : t('errorStatus', { status: error.status });
}

export function storedKey() {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

export async function api(path, options = {}) {
  const headers = { accept: 'application/json', 'x-purpose': encodeURIComponent('steward console') };
  const key = options.key ?? storedKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json?.error ?? 'error', json?.message ?? `${response.status} ${response.statusText}`);
  return json;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every row of a paged report table, page by page (for CSV downloads). */
export async function allRows(path, filters = {}) {
  const rows = [];
  for (let offset = 0; ; offset += 10000) {
    const page = await api(`${path}${query({ ...filters, offset, limit: 10000 })}`);
    rows.push(...page.rows);
    if (rows.length >= page.total || page.rows.length === 0) return rows;
  }
}
