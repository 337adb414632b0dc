/**
 * The time an audit entry carries, as ISO 8601 text. A busy API records dozens of entries in the
 * same millisecond, so the text is made once a millisecond rather than once an entry.
 */
let lastMs = Number.NaN;
let lastText = '';

export function isoNow(now: number = Date.now()): string {
  if (now !== lastMs) {
    lastMs = now;
    lastText = new Date(now).toISOString();
  }
  return lastText;
}
