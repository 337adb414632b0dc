/**
 * Health for load balancers and orchestrators:
 * - /health/live: the process answers (restart it when this fails);
 * - /health/ready: a period is published and loaded, so lookups can be answered (route traffic
 *   here only when this is 200; 503 until then, so an empty instance takes no traffic);
 * - /health: the period and sizes being served, always 200 while the process lives (kept as it was
 *   for the tools that read it; docs/operations.md).
 */
import type { FastifyPluginAsync } from 'fastify';

const served = { period: { type: ['string', 'null'] }, persons: { type: 'integer' }, entities: { type: 'integer' } } as const;

export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  const current = () => {
    const snapshot = fastify.snapshots.current();
    return { period: snapshot?.pointer.period ?? null, persons: snapshot?.persons.size ?? 0, entities: snapshot?.entities.size ?? 0 };
  };

  fastify.get('/health', {
    schema: {
      summary: 'Liveness, and the period being served', tags: ['operations'], security: [],
      response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' }, ...served } } },
    },
  }, async () => ({ status: 'ok' as const, ...current() }));

  fastify.get('/health/live', {
    schema: {
      summary: 'Liveness: the process answers', tags: ['operations'], security: [],
      response: { 200: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } },
    },
  }, async () => ({ status: 'ok' as const }));

  fastify.get('/health/ready', {
    schema: {
      summary: 'Readiness: 200 once a published period is loaded, 503 before', tags: ['operations'], security: [],
      response: {
        200: { type: 'object', required: ['status', 'period'], properties: { status: { const: 'ready' }, ...served } },
        // Not ready, or shed as overloaded (load shedding answers 503 with error and message): one schema serialises both.
        503: { type: 'object', properties: { status: { const: 'not_ready' }, reason: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' }, ...served } },
      },
    },
  }, async (_request, reply) => {
    const now = current();
    if (now.period === null) {
      return reply.code(503).header('retry-after', '30').send({ status: 'not_ready' as const, reason: 'no period is published yet: run the cycle and publish (dx cycle, dx publish)', ...now });
    }
    return { status: 'ready' as const, ...now };
  });
};
