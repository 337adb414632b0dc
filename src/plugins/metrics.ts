/** Prometheus metrics at /metrics: requests by route and status, latency, the served period. */
import fp from 'fastify-plugin';
import type { onResponseHookHandler } from 'fastify';
import { Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import { RequestMetrics, type RegistrableMetric } from './requestMetrics.js';
import { sendNotFound } from './httpErrors.js';
import { API_HEADERS } from './securityHeaders.js';

export const metrics = fp(async (fastify) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new RequestMetrics('dx_http', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1]);
  // The registry reads only a metric's name and get(); its types name prom-client's own classes.
  const register = (metric: RegistrableMetric) => registry.registerMetric(metric as unknown as Metric);
  register(requests.requestCounter('HTTP requests'));
  register(requests.latencyHistogram('Request latency'));
  new Gauge({
    name: 'dx_served_persons', help: 'Persons in the served snapshot', registers: [registry],
    collect() { this.set(fastify.snapshots.current()?.persons.size ?? 0); },
  });
  // Each route observes itself, its path bound when it is added: a global hook would read the path
  // through request.routeOptions, which Fastify builds afresh (a dozen members) on every read.
  fastify.addHook('onRoute', (route) => {
    const path = route.url;
    const observe: onResponseHookHandler = (request, reply, done) => {
      requests.observe(path, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = [...(route.onResponse === undefined ? [] : [route.onResponse].flat()), observe];
  });
  // Requests no route matched: Fastify's own 404, observed once the answer has gone.
  fastify.setNotFoundHandler((request, reply) => {
    reply.raw.once('finish', () => requests.observe('unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000));
    sendNotFound(request, reply, API_HEADERS);
  });
  fastify.get('/metrics', {
    schema: { hide: true },
    config: { guard: { resource: 'metrics', action: 'scrape', access: 'public', audited: false, rateLimit: 'operations', kind: 'api' } },
  }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
});
