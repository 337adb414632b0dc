/**
 * Automatic application review for clerks: POST /v1/applications/{type} with the applicant's
 * inputs; the answer is approved, or manual review with each unmet rule named. Facts and their
 * sources are returned only when the grant covers them, and always recorded in the decision
 * store; the request is audited like every other.
 */
import type { FastifyPluginAsync } from 'fastify';
import { loadApplicationTypes } from '../applications/applicationType.js';
import { listDecisions } from '../applications/decisionList.js';
import { DecisionStore } from '../applications/decisionStore.js';
import { snapshotFactSources } from '../applications/factSources.js';
import { ApplicationInputError, reviewApplication, type ApplicationDecision, type DecisionOutcome } from '../applications/reviewApplication.js';
import { caller, HttpError, purposeOf, recordBeforeCommit, requireGrant } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import type { Grant } from '../share/accessStore.js';
import { servingSnapshot } from './lookup.js';
import { errorResponses, purposeQuery } from './schemas.js';

const decisionSchema = {
  type: 'object',
  required: ['id', 'type', 'decision', 'unmet'],
  properties: {
    id: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' }, receivedAt: { type: 'string' }, by: { type: 'string' }, period: { type: 'string' },
    input: { type: 'object', additionalProperties: { type: 'string' } },
    decision: { enum: ['approved', 'manual_review'] },
    met: { type: 'array', items: { type: 'string' } },
    unmet: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' }, says: { type: 'string' }, why: { type: 'string' } } } },
    facts: { type: 'object', additionalProperties: true },
    notFound: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The decision as the grant allows: without the facts unless `facts` is granted. */
function disclosed(decision: ApplicationDecision, grant: Grant): Partial<ApplicationDecision> {
  if (grant.fields.facts) return decision;
  const { facts: _f, notFound: _n, ...rest } = decision;
  return rest;
}

export const applicationRoutes: FastifyPluginAsync = async (fastify) => {
  const types = loadApplicationTypes();
  const store = new DecisionStore(fastify.dataDir);

  fastify.post<{ Params: { type: string }; Body: Record<string, string> }>('/v1/applications/:type', {
    config: apiRoute('application-review', 'review', ['clerk'], 'change'),
    schema: {
      summary: 'Review an application automatically: approved, or manual review with each unmet rule named', tags: ['applications'],
      params: { type: 'object', required: ['type'], properties: { type: { enum: [...types.keys()] } } },
      body: { type: 'object', required: ['purpose'], properties: { purpose: { type: 'string', minLength: 1, maxLength: 200 } }, additionalProperties: { type: 'string', maxLength: 200 }, maxProperties: 50 },
      response: { 200: decisionSchema, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'application-review', action: request.params.type };
    const client = caller(request);
    const grant = requireGrant(request, 'application-review', purposeOf(request));
    const snapshot = servingSnapshot(request);
    const connection = await snapshot.connect();
    let decision: ApplicationDecision;
    try {
      decision = await reviewApplication(types.get(request.params.type)!, request.body, snapshotFactSources(connection, snapshot.pointer.period), { by: client.id, period: snapshot.pointer.period });
    } catch (error) {
      if (error instanceof ApplicationInputError) throw new HttpError(400, 'invalid_application', error.message);
      throw error;
    } finally {
      connection.closeSync();
    }
    request.auditNote.subjects = [decision.id, ...Object.values(decision.input)];
    request.auditNote.fields = Object.keys(grant.fields).filter((f) => grant.fields[f]);
    // Recorded first: a decision whose audit record cannot be written is not kept.
    await recordBeforeCommit(request);
    await store.record(decision);
    return disclosed(decision, grant);
  });

  // Stewards work through the applications waiting for a person; auditors check the decisions.
  // Both see every decision whole, facts and sources included: that is what a person reviewing
  // needs. Clerks keep to their own decisions, one at a time, as their grant allows (below).
  fastify.get<{ Querystring: { outcome?: DecisionOutcome; type?: string; limit: number; offset: number; purpose?: string } }>('/v1/applications/decisions', {
    config: apiRoute('application-review', 'list', ['steward', 'auditor'], 'read'),
    schema: {
      summary: 'Recorded decisions, newest first (stewards, auditors): outcome=manual_review for the applications waiting for a person', tags: ['applications'],
      querystring: {
        type: 'object',
        properties: {
          outcome: { enum: ['manual_review', 'approved'] }, type: { enum: [...types.keys()] }, purpose: { type: 'string', maxLength: 200 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['total', 'offset', 'limit', 'outcomes', 'types', 'decisions'],
          properties: {
            total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' },
            types: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' } } } },
            outcomes: { type: 'object', required: ['manual_review', 'approved'], properties: { manual_review: { type: 'integer' }, approved: { type: 'integer' } } },
            decisions: { type: 'array', items: decisionSchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'application-review', action: 'list' };
    const { outcome, type, limit, offset } = request.query;
    const page = listDecisions(store.list(), { outcome, type }, { offset, limit });
    // The audit names whose applications were shown, as it does for the clerk who asked.
    request.auditNote.subjects = page.decisions.flatMap((d) => [d.id, ...Object.values(d.input)]);
    request.auditNote.fields = ['decision', 'facts'];
    return { ...page, types: [...types.values()].map((t) => ({ type: t.type, title: t.title })) };
  });

  fastify.get<{ Params: { id: string }; Querystring: { purpose?: string } }>('/v1/applications/decisions/:id', {
    config: apiRoute('application-review', 'get', ['clerk', 'auditor'], 'read'),
    schema: {
      summary: 'A recorded decision (the clerk who asked, or an auditor)', tags: ['applications'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^A[0-9a-f]{16}$' } } },
      querystring: purposeQuery,
      response: { 200: decisionSchema, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'application-review', action: 'get', subjects: [request.params.id] };
    const client = caller(request);
    const decision = store.get(request.params.id);
    if (client.roles.includes('auditor')) {
      if (!decision) throw new HttpError(404, 'not_found', `no decision ${request.params.id}`);
      request.auditNote.fields = ['decision', 'facts'];
      return decision;
    }
    const grant = requireGrant(request, 'application-review', purposeOf(request));
    if (!decision || decision.by !== client.id) throw new HttpError(404, 'not_found', `no decision ${request.params.id} of yours`);
    request.auditNote.fields = Object.keys(grant.fields);
    return disclosed(decision, grant);
  });
};
