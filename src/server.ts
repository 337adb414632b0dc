/** Start the API server: the app plugin on a Fastify instance with logging that never shows secrets. */
import Fastify, { type FastifyInstance } from 'fastify';
import { app, type AppOptions } from './app.js';

export const LOG_REDACT = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.apiKey', '*.password', '*.secret'];

export async function buildServer(options: AppOptions & { logLevel?: string }): Promise<FastifyInstance> {
  const server = Fastify({
    logger: { level: options.logLevel ?? 'info', redact: { paths: LOG_REDACT, censor: '[redacted]' } },
  });
  await server.register(app, { dataDir: options.dataDir });
  return server;
}

export async function startServer(options: AppOptions & { port: number; host: string; logLevel?: string }): Promise<FastifyInstance> {
  const server = await buildServer(options);
  await server.listen({ port: options.port, host: options.host });
  return server;
}
