import type { FastifyPluginAsync } from 'fastify';

export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/health', {
    schema: {
      summary: 'Liveness, and the period being served', tags: ['operations'], security: [],
      response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' }, period: { type: ['string', 'null'] }, persons: { type: 'integer' }, entities: { type: 'integer' } } } },
    },
  }, async () => {
    const snapshot = fastify.snapshots.current();
    return { status: 'ok' as const, period: snapshot?.pointer.period ?? null, persons: snapshot?.persons.size ?? 0, entities: snapshot?.entities.size ?? 0 };
  });
};
