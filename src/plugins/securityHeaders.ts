/**
 * Security headers, worked out once when the app starts rather than on every request; each route
 * answers with its kind's set, bound when the route is added (routeGuard.ts), whatever the URL says.
 *
 * - API answers (JSON, CSV, Arrow: /v1, /health, /metrics, and 404s) get the set the OWASP REST
 *   Security Cheat Sheet gives for APIs: no caching of personal data (Cache-Control: no-store),
 *   nothing may frame or run the response (a CSP of default-src 'none' with frame-ancestors 'none',
 *   X-Frame-Options: DENY), no content sniffing, HSTS.
 * - Pages (the console, the OpenAPI viewer) get helmet's full set as well, as helmet makes it.
 * - Strict-Transport-Security only on answers that came over HTTPS: a TLS socket, or a proxy's
 *   `X-Forwarded-Proto: https` when the server trusts its proxy (`dx serve --trust-proxy`). RFC 6797
 *   §7.2: a host MUST NOT send it over plain HTTP, where a browser ignores it anyway.
 *
 * Why not @fastify/helmet: it builds a new helmet instance on every request, measured at 13 µs a
 * request on this machine, as much as a whole bare Fastify request, for headers that only depend on
 * the options; and helmet's HTML-oriented headers add some 400 bytes to every API response.
 * Routes that need other values (the console's own content security policy) set them in their
 * handler, which overrides these.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets for these options, as a name → value map. */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** HSTS of API answers over HTTPS: a year, subdomains included (helmet's default for pages). */
export const API_HSTS = 'max-age=31536000; includeSubDomains';

export const HSTS = 'strict-transport-security';
