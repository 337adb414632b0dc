/**
 * The canonical spelling of a request target. The router decodes a path before matching it, so
 * `/%761/persons/…`, `/v%31/…` and `http://host/v1/…` all reach the `/v1/persons/:id` route. The
 * guards are bound to the matched route, so every spelling gets them; on top of that, a path that is
 * not in its one canonical form is refused (400, audited), so that no log, proxy rule or metric that
 * reads the text of a URL can be led astray by another spelling of it.
 *
 * Canonical (RFC 3986 §6.2.2): origin-form (starts with "/"), no empty segment ("//"), no dot
 * segment ("." or ".."), and no percent-encoding of a character that needs none (letters, digits,
 * "-", ".", "_", "~") nor of "/" or "\" (an encoded separator would be a second way to say a path).
 * Percent-encoded bytes of other characters (spaces, Chinese) are how those are sent, and stay.
 * The query string is not the router's business and is not looked at here.
 */

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;
const QUESTION = 0x3f;
const HASH = 0x23;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Characters that must be sent as themselves (unreserved), and the separators "/" and "\". */
function needsNoEncoding(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
    || byte === 0x2d || byte === DOT || byte === 0x5f || byte === 0x7e || byte === SLASH || byte === 0x5c;
}

/** Whether a dot segment ("." or "..") starts at `i`, just after a "/". */
function dotSegmentAt(url: string, i: number, end: number): boolean {
  if (url.charCodeAt(i) !== DOT) return false;
  const next = i + 1 < end ? url.charCodeAt(i + 1) : SLASH;
  if (next === SLASH) return true;
  if (next !== DOT) return false;
  return i + 2 >= end || url.charCodeAt(i + 2) === SLASH;
}

/** Why a request target is not in canonical form, or null when it is. Scans the path once, allocating nothing. */
export function targetProblem(url: string): string | null {
  if (url.charCodeAt(0) !== SLASH) return 'the request target must be a path beginning with "/" (origin-form)';
  let end = url.length;
  for (let i = 1; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === QUESTION || code === HASH) { end = i; break; }
  }
  for (let i = 0; i < end; i++) {
    const code = url.charCodeAt(i);
    if (code === SLASH) {
      if (i + 1 < end && url.charCodeAt(i + 1) === SLASH) return 'the path has an empty segment ("//")';
      if (i + 1 < end && dotSegmentAt(url, i + 1, end)) return 'the path has a dot segment ("." or "..")';
    } else if (code === PERCENT) {
      const high = hexValue(url.charCodeAt(i + 1));
      const low = hexValue(url.charCodeAt(i + 2));
      if (high < 0 || low < 0 || i + 2 >= end) return 'the path has a malformed percent-encoding';
      if (needsNoEncoding(high * 16 + low)) return 'the path percent-encodes a character that is sent as itself';
      i += 2;
    }
  }
  return null;
}
