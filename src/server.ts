/** Start the API server: the app plugin on a Fastify instance with logging that never shows secrets. */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { exchangeApp, type AppOptions } from './app.js';
import { lazyRequestLogger } from './plugins/requestLogger.js';

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

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const server = Fastify({
    trustProxy: options.trustProxy ?? false,
    logger: { level: options.logLevel ?? 'info', redact: { paths: LOG_REDACT, censor: '[redacted]' } },
    // Request ids go into the audit trail: unique across processes and restarts.
    genReqId: () => randomUUID(),
    childLoggerFactory: lazyRequestLogger,
    // The app loads the published snapshot before it listens: millions of rows can take longer than
    // Fastify's default 10 s on a busy machine (five processes starting at once at 1M persons did).
    pluginTimeout: 300_000,
  });
  const { logLevel: _level, trustProxy: _trust, ...appOptions } = options;
  await server.register(exchangeApp, appOptions);
  return server;
}

export async function startServer(options: ServerOptions & { port: number; host: string }): Promise<FastifyInstance> {
  const server = await buildServer(options);
  await server.listen({ port: options.port, host: options.host });
  return server;
}
