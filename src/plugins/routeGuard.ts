/**
 * Guards decided by the matched route, never by the text of the URL. Every route declares what it
 * is in `config.guard` (a RouteDeclaration): the resource and action the audit names, who may call
 * it, whether it is audited, its rate-limit class and which security headers it answers with. When
 * a route is added, this plugin binds that declaration into the route's own hooks:
 *
 * - onRequest, synchronous: the caller's key, the security headers, the request id header;
 * - onRequest: the rate limit of its class (one shared counter per class and client), then the
 *   canonical spelling of the target (requestTarget.ts), the caller's authentication and roles;
 * - the handler reads what the caller states (purpose, legal basis, initiator) once, checked;
 * - onSend, for an audited route: the audit record, written before the answer leaves (a failure
 *   answers 503).
 *
 * However a request is spelled, if the router matched a route, that route's guards run: a spelling
 * cannot choose other guards, because none are chosen by spelling. A route without a declaration
 * fails to register, and a /v1 route must be audited, so no /v1 answer can leave without its record.
 * Routes of other plugins (the OpenAPI viewer) are declared where those plugins are registered
 * (`declaredRoutes`). Nothing here reads `request.routeOptions` (rebuilt on every read).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { HelmetOptions } from 'helmet';
import type { Role } from '../share/accessStore.js';
import { apiKey, auditOnSend } from './exchange.js';
import { HttpError, handleError } from './httpErrors.js';
import { targetProblem } from './requestTarget.js';
import { readStatedContext } from './statedContext.js';
import { API_HEADERS, API_HSTS, HSTS, helmetHeaders } from './securityHeaders.js';

/** Rate-limit classes: requests per minute per client (per address when unauthenticated), one counter per class. */
export type RateClass = 'lookup' | 'bulk' | 'read' | 'change' | 'page' | 'operations';

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateClass, number>> = {
  lookup: 6000, bulk: 120, read: 1200, change: 300, page: 1200, operations: 1200,
};

export interface RouteDeclaration {
  /** What the audit names when the handler names nothing else. */
  resource: string;
  action: string;
  /** 'public': anyone; 'client': any authenticated client (the handler checks its grant); or the roles of which one is needed. */
  access: 'public' | 'client' | readonly Role[];
  audited: boolean;
  rateLimit: RateClass;
  /** Which security headers: an API answer's (no-store, no framing) or a page's (helmet's set). */
  kind: 'api' | 'page';
  /** The path parameter naming the request's subject: recorded even when the request is refused before its handler ran. */
  subjectParam?: string;
}

/** A /v1 route's declaration: audited, API headers. */
export function apiRoute(resource: string, action: string, access: RouteDeclaration['access'], rateLimit: RateClass, subjectParam?: string): { guard: RouteDeclaration } {
  return { guard: { resource, action, access, audited: true, rateLimit, kind: 'api', ...(subjectParam ? { subjectParam } : {}) } };
}

/** Body limit of a route that declares none: a JSON request of a few fields. */
export const DEFAULT_BODY_LIMIT = 32 * 1024;

const kDefaultGuard = Symbol('dx.defaultGuard');

/** Register another plugin's routes under one declaration (they cannot carry one themselves). */
export function declaredRoutes<O extends Record<string, unknown>>(declaration: RouteDeclaration, plugin: FastifyPluginCallback<O> | FastifyPluginAsync<O>, options?: O): FastifyPluginAsync {
  return async (child) => {
    child.decorate(kDefaultGuard, declaration);
    await child.register(plugin as FastifyPluginAsync<O>, options as O);
  };
}

export interface GuardOptions {
  rateLimits: Readonly<Record<RateClass, number>>;
  helmet: Readonly<HelmetOptions>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    guard?: RouteDeclaration;
  }
}

type HookDone = (error?: Error) => void;

function refusal(request: FastifyRequest, declared: RouteDeclaration): HttpError | undefined {
  const problem = targetProblem(request.raw.url ?? '');
  if (problem) return new HttpError(400, 'non_canonical_target', `${problem}: send the path in its canonical form`);
  if (declared.access === 'public') return undefined;
  const client = request.client;
  if (!client) return new HttpError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
  if (declared.access === 'client') return undefined;
  for (const role of declared.access) if (client.roles.includes(role)) return undefined;
  return new HttpError(403, 'forbidden', `this needs the role ${declared.access.join(' or ')}`);
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

export const routeGuards = fp<GuardOptions>(async (fastify, options) => {
  fastify.decorateRequest('client', null);
  fastify.decorateRequest('auditNote', null);
  fastify.decorateRequest('auditReason', null);
  fastify.decorateRequest('auditedStatus', 0);
  fastify.decorateRequest('statedRead', false);
  fastify.decorateRequest('statedPurpose', null);
  fastify.decorateRequest('statedLegalBasis', null);
  fastify.decorateRequest('statedInitiator', null);

  const { [HSTS]: pageHsts, ...pageHeaders } = helmetHeaders(options.helmet);
  const headers = { api: { set: API_HEADERS, hsts: API_HSTS }, page: { set: pageHeaders, hsts: pageHsts } };

  // One limiter per class, shared by its routes: a client's lookups count together whatever route or spelling.
  const limiters = new Map<RateClass, (request: FastifyRequest, reply: FastifyReply) => Promise<void>>();
  for (const [rateClass, max] of Object.entries(options.rateLimits) as Array<[RateClass, number]>) {
    limiters.set(rateClass, fastify.rateLimit({ max, timeWindow: 60_000, keyGenerator: (request) => request.client?.id ?? request.ip }) as never);
  }

  fastify.setErrorHandler(handleError);

  fastify.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    const declared = route.config?.guard ?? (this as unknown as Record<symbol, RouteDeclaration | undefined>)[kDefaultGuard];
    if (!declared) throw new Error(`route ${route.method} ${route.url} declares no guard (config.guard): what it is, who may call it, whether it is audited, its rate limit`);
    if (route.url.startsWith('/v1/') && (!declared.audited || declared.kind !== 'api' || declared.access === 'public')) {
      throw new Error(`route ${route.method} ${route.url}: every /v1 route is audited, answers as an API and needs a client`);
    }
    const limiter = limiters.get(declared.rateLimit);
    if (!limiter) throw new Error(`route ${route.method} ${route.url}: no rate-limit class "${declared.rateLimit}"`);
    // A new config object: the HEAD route Fastify adds for a GET copies the original options.
    route.config = { ...route.config, guard: declared };
    route.bodyLimit ??= DEFAULT_BODY_LIMIT;
    const { set, hsts } = headers[declared.kind];
    const authenticates = declared.access !== 'public';
    const identify: onRequestHookHandler = (request, reply, done) => {
      if (authenticates) request.client = fastify.access.authenticate(apiKey(request)) ?? null;
      reply.headers(set);
      if (hsts && request.protocol === 'https') reply.header(HSTS, hsts);
      reply.header('request-id', request.id);
      done();
    };
    const guard = (request: FastifyRequest, reply: FastifyReply, done: HookDone): void => {
      limiter(request, reply).then(() => done(refusal(request, declared)), done);
    };
    route.onRequest = [identify, guard as onRequestHookHandler, ...asArray(route.onRequest)];
    if (declared.audited) route.onSend = [...asArray(route.onSend), auditOnSend(declared)];
    if (declared.kind === 'api') {
      const handler = route.handler as (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        readStatedContext(request);
        return handler.call(this, request, reply);
      } as RouteHandlerMethod;
    }
  });
}, { name: 'route-guards', dependencies: ['@fastify/rate-limit'] });
