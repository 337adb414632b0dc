/** Start the API server: the app plugin on a Fastify instance with logging that never shows secrets, ID numbers or purposes. */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { exchangeApp, type AppOptions } from './app.js';
import { errorBody } from './plugins/httpErrors.js';
import { lazyRequestLogger } from './plugins/requestLogger.js';
import { API_HEADERS } from './plugins/securityHeaders.js';

export const LOG_REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.apiKey', '*.key', '*.keyHash', '*.password', '*.secret'];

/** Which proxies in front to trust: Fastify's `trustProxy` (true for any, or addresses and CIDRs). */
export type TrustProxy = boolean | string[];

export interface ServerOptions extends AppOptions {
  logLevel?: string;
  /**
   * Trust X-Forwarded-For / -Proto from these proxies (default: none). Behind a TLS-terminating load
   * balancer this gives the client's address (rate limits, logs) and whether it came over HTTPS.
   */
  trustProxy?: TrustProxy;
}

/**
 * A request as logged: its route's pattern, never the URL (paths hold ID numbers, query strings
 * purposes), and no headers at all (they hold keys).
 */
export function loggedRequest(request: FastifyRequest): { method: string; route: string; requestId: string } {
  return { method: request.method, route: request.routeOptions?.url ?? '(no route)', requestId: request.id };
}

/** A URL the router could not decode: the one error body, before any route was matched. */
function badTarget(_error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.code(400).headers(API_HEADERS).header('request-id', request.id).send(errorBody(request, 'invalid_url', 'the request target could not be decoded (malformed percent-encoding)'));
}

const CLIENT_ERROR = Buffer.from(JSON.stringify({ error: 'bad_request', message: 'the request could not be read as HTTP', requestId: null }));

/** Bytes that are not HTTP: answered and closed without logging them (they may carry a key). */
function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${CLIENT_ERROR.length}\r\nConnection: close\r\n\r\n`), CLIENT_ERROR]));
}

/** The Fastify options of the exchange's server (also used by the tests, so they run what is served). */
export function exchangeServerOptions(options: { logLevel?: string; trustProxy?: TrustProxy } = {}): FastifyServerOptions {
  return {
    trustProxy: options.trustProxy ?? false,
    logger: {
      level: options.logLevel ?? 'info',
      redact: { paths: LOG_REDACT, censor: '[redacted]' },
      serializers: { req: loggedRequest as never },
    },
    // Request ids go into the audit trail: unique across processes and restarts.
    genReqId: () => randomUUID(),
    childLoggerFactory: lazyRequestLogger,
    frameworkErrors: badTarget,
    clientErrorHandler: clientError,
    // The app loads the published snapshot before it listens: millions of rows can take longer than
    // Fastify's default 10 s on a busy machine (five processes starting at once at 1M persons did).
    pluginTimeout: 300_000,
  };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const server = Fastify(exchangeServerOptions(options));
  const { logLevel: _level, trustProxy: _trust, ...appOptions } = options;
  await server.register(exchangeApp, appOptions);
  return server;
}

export async function startServer(options: ServerOptions & { port: number; host: string }): Promise<FastifyInstance> {
  const server = await buildServer(options);
  await server.listen({ port: options.port, host: options.host });
  return server;
}
