/**
 * The exchange's HTTP API as a Fastify plugin: the server (server.ts) and the tests register
 * the same thing. Every route declares its JSON Schema.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './routes/health.js';

export interface AppOptions {
  dataDir: string;
}

export const app: FastifyPluginAsync<AppOptions> = async (fastify: FastifyInstance, options) => {
  fastify.decorate('dataDir', options.dataDir);
  await fastify.register(healthRoutes);
};

declare module 'fastify' {
  interface FastifyInstance {
    dataDir: string;
  }
}
