/** Prometheus metrics at /metrics: requests by route and status, latency, the served period. */
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metrics = fp(async (fastify) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'dx_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({ name: 'dx_http_request_seconds', help: 'Request latency', labelNames: ['route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1], registers: [registry] });
  new Gauge({
    name: 'dx_served_persons', help: 'Persons in the served snapshot', registers: [registry],
    collect() { this.set(fastify.snapshots.current()?.persons.size ?? 0); },
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe({ route }, reply.elapsedTime / 1000);
  });
  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
});
