// For resources whose shape the console does not fix (cases, reviews): a table of whatever
// fields the API returns, and a clear "not available yet" while the server does not serve them.
import { api, ApiError } from '../lib/api.js';
import { message } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** The JSON at `path`, or null when the server has no such endpoint (404 from the router). */
export async function optional(path) {
  try {
    return await api(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function notAvailable() {
  const note = message(t('notAvailable'), 'warn');
  note.id = 'not-available';
  return note;
}

/** The first array in a response ({cases: [...]}, {items: [...]}, or the array itself). */
export function itemsOf(body) {
  if (Array.isArray(body)) return body;
  return Object.values(body ?? {}).find(Array.isArray) ?? [];
}

export function columnsOf(rows, skip = []) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !skip.includes(k));
  return keys.map((key) => ({ key, label: key }));
}
