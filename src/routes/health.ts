import type { FastifyPluginAsync } from 'fastify';

export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/health', {
    schema: {
      response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' }, dataDir: { type: 'string' } } } },
    },
  }, async () => ({ status: 'ok' as const }));
};
