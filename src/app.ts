/**
 * The exchange's HTTP API as a Fastify plugin: the server (server.ts) and the tests register the
 * same thing. Every route declares its JSON Schema; the OpenAPI document is generated from them.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import { AuditLog } from './audit/auditLog.js';
import { config } from './config.js';
import { AccessStore } from './share/accessStore.js';
import { SnapshotHolder } from './share/servingSnapshot.js';
import { metrics } from './plugins/metrics.js';
import { HttpError } from './plugins/httpErrors.js';
import { DEFAULT_RATE_LIMITS, declaredRoutes, routeGuards, type RateClass, type RouteDeclaration } from './plugins/routeGuard.js';
import { healthRoutes } from './routes/health.js';
import { catalogRoutes } from './routes/catalog.js';
import { personRoutes } from './routes/persons.js';
import { entityRoutes } from './routes/entities.js';
import { grantRoutes } from './routes/grants.js';
import { auditDirOf, auditRoutes } from './routes/audit.js';
import { extractRoutes } from './routes/extracts.js';
import { reportRoutes } from './routes/reports.js';
import { sessionRoutes } from './routes/session.js';
import { auditVerifyRoutes } from './routes/auditVerify.js';
import { consoleRoutes } from './console/consoleRoutes.js';
import { paymentRoutes } from './routes/payments.js';
import { caseRoutes } from './routes/cases.js';
import { applicationRoutes } from './routes/applications.js';
import { repairDecisionRoutes } from './routes/repairDecisions.js';
import { caseWorkRoutes } from './routes/caseWork.js';
import { applicationReviewRoutes } from './routes/applicationReviews.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { lineageRoutes } from './routes/lineage.js';

export interface AppOptions {
  dataDir: string;
  /** This process's audit chain; one per API process (default: host name and pid). */
  auditChain?: string;
  /** Lookups per minute per client (or per address when unauthenticated). */
  rateLimit?: number;
  /** Requests per minute per client of the other rate-limit classes (see plugins/routeGuard.ts). */
  rateLimits?: Partial<Record<RateClass, number>>;
  /** How often to look for a newly published snapshot, in ms. */
  snapshotPollMs?: number;
}

/** The console's and the OpenAPI viewer's pages: anyone may load them (they hold no data). */
const PAGES: RouteDeclaration = { resource: 'pages', action: 'read', access: 'public', audited: false, rateLimit: 'page', kind: 'page' };
/** Liveness for load balancers. */
const OPERATIONS: RouteDeclaration = { resource: 'operations', action: 'health', access: 'public', audited: false, rateLimit: 'operations', kind: 'api' };

export const app: FastifyPluginAsync<AppOptions> = async (fastify: FastifyInstance, options) => {
  const auditDir = auditDirOf(options.dataDir);
  const chain = options.auditChain ?? `${hostname()}-${process.pid}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  fastify.decorate('dataDir', options.dataDir);
  fastify.decorate('access', new AccessStore(join(options.dataDir, 'access')));
  fastify.decorate('auditLog', await AuditLog.open(auditDir, chain));
  const snapshots = new SnapshotHolder(options.dataDir, (message) => fastify.log.info(message));
  fastify.decorate('snapshots', snapshots);
  await snapshots.refresh();
  snapshots.watch(options.snapshotPollMs ?? 500);
  fastify.addHook('onClose', async () => {
    snapshots.close();
    await fastify.auditLog.close();
  });

  // The rate limiter first (the guards take one limiter per class from it), then the guards, so that
  // every route registered after them is bound to its declaration, then the metrics, so that every
  // route observes itself (the OpenAPI viewer's too).
  await fastify.register(rateLimit, {
    global: false,
    // The limit and what is left of it are told with the 429 (and Retry-After), not on every answer:
    // three headers on each lookup cost the server and every client parsing them, and a client's
    // limit is part of its agreement, not news.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new HttpError(429, 'rate_limited', `rate limit exceeded: ${context.max} a minute; retry in ${context.after}`),
  });
  await fastify.register(routeGuards, { rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits, lookup: options.rateLimit ?? DEFAULT_RATE_LIMITS.lookup }, helmet: { contentSecurityPolicy: false } });
  await fastify.register(metrics);
  // Load shedding: a 503 while the event loop lags over a second. The samples taken while the app
  // was still starting (compiling every route's schemas, loading the snapshot) measure the start,
  // not the load: until two sampling intervals after ready, requests are not shed for them.
  let readyAt = Number.POSITIVE_INFINITY;
  fastify.addHook('onReady', (done) => { readyAt = Date.now(); done(); });
  await fastify.register(underPressure, {
    maxEventLoopDelay: config().DX_MAX_EVENT_LOOP_DELAY_MS, maxHeapUsedBytes: 0, maxRssBytes: 0, exposeStatusRoute: false, sampleInterval: 1000,
    pressureHandler: (_request, _reply) => {
      if (Date.now() - readyAt < 2000) return undefined;
      return Promise.reject(new HttpError(503, 'overloaded', 'the server is overloaded; retry later'));
    },
  });
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'Data exchange API', version: '1', description: 'Authorised lookups, verifications and extracts of the population and legal-entity registers. Every request states its purpose and is audited.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await fastify.register(declaredRoutes(PAGES, swaggerUi, { routePrefix: '/docs' }));
  await fastify.register(declaredRoutes(OPERATIONS, healthRoutes));
  await fastify.register(catalogRoutes);
  await fastify.register(personRoutes);
  await fastify.register(entityRoutes);
  await fastify.register(grantRoutes);
  await fastify.register(auditRoutes, { auditDir });
  await fastify.register(extractRoutes);
  await fastify.register(reportRoutes);
  await fastify.register(sessionRoutes);
  await fastify.register(auditVerifyRoutes, { auditDir });
  await fastify.register(declaredRoutes(PAGES, consoleRoutes));
  await fastify.register(paymentRoutes);
  await fastify.register(caseRoutes);
  await fastify.register(applicationRoutes);
  await fastify.register(repairDecisionRoutes);
  await fastify.register(caseWorkRoutes);
  await fastify.register(applicationReviewRoutes);
  await fastify.register(deliveryRoutes);
  await fastify.register(lineageRoutes);
};

/** The app with its decorations visible to the caller (tests and the server). */
export const exchangeApp = fp(app, { name: 'exchange-app' });

declare module 'fastify' {
  interface FastifyInstance {
    dataDir: string;
  }
}
