/** Start the API server: the app plugin on a Fastify instance with logging that never shows secrets. */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { exchangeApp, type AppOptions } from './app.js';
import { lazyRequestLogger } from './plugins/requestLogger.js';

export const LOG_REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.apiKey', '*.key', '*.keyHash', '*.password', '*.secret'];

export async function buildServer(options: AppOptions & { logLevel?: string }): Promise<FastifyInstance> {
  const server = Fastify({
    logger: { level: options.logLevel ?? 'info', redact: { paths: LOG_REDACT, censor: '[redacted]' } },
    // Request ids go into the audit trail: unique across processes and restarts.
    genReqId: () => randomUUID(),
    childLoggerFactory: lazyRequestLogger,
    // The app loads the published snapshot before it listens: millions of rows can take longer than
    // Fastify's default 10 s on a busy machine (five processes starting at once at 1M persons did).
    pluginTimeout: 300_000,
  });
  const { logLevel: _level, ...appOptions } = options;
  await server.register(exchangeApp, appOptions);
  return server;
}

export async function startServer(options: AppOptions & { port: number; host: string; logLevel?: string }): Promise<FastifyInstance> {
  const server = await buildServer(options);
  await server.listen({ port: options.port, host: options.host });
  return server;
}
