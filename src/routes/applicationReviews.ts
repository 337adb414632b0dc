/**
 * A steward decides an application the automatic review could not approve: approve or refuse,
 * always with the reason (the applicant is told why). Only an application waiting for a person
 * can be decided; the decision takes effect at once. The decisions are listed for the console.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DecisionStore } from '../applications/decisionStore.js';
import { PersonDecisionStore } from '../applications/personDecisions.js';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses } from './schemas.js';

const personDecisionSchema = {
  type: 'object', required: ['id', 'decision', 'reason', 'decidedBy', 'decidedAt'],
  properties: { id: { type: 'string' }, decision: { enum: ['approved', 'refused'] }, reason: { type: 'string' }, decidedBy: { type: 'string' }, decidedAt: { type: 'string' } },
} as const;

export const applicationReviewRoutes: FastifyPluginAsync = async (fastify) => {
  const automatic = new DecisionStore(fastify.dataDir);
  const people = new PersonDecisionStore(fastify.dataDir);

  fastify.get('/v1/applications/reviews', {
    config: apiRoute('application-review', 'reviews', ['steward', 'auditor'], 'read'),
    schema: {
      summary: 'What people decided on the applications routed to them (stewards, auditors)', tags: ['applications'],
      response: { 200: { type: 'object', required: ['reviews'], properties: { reviews: { type: 'array', items: personDecisionSchema } } }, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'application-review', action: 'reviews' };
    const reviews = [...people.latest().values()];
    request.auditNote.subjects = reviews.map((r) => r.id);
    return { reviews };
  });

  fastify.post<{ Params: { id: string }; Body: { decision: 'approve' | 'refuse'; reason: string } }>('/v1/applications/decisions/:id/review', {
    config: apiRoute('application-review', 'decide', ['steward'], 'change'),
    schema: {
      summary: 'Approve or refuse an application waiting for a person, with the reason (stewards); takes effect at once', tags: ['applications'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^A[0-9a-f]{16}$' } } },
      body: {
        type: 'object', required: ['decision', 'reason'], additionalProperties: false,
        properties: { decision: { enum: ['approve', 'refuse'] }, reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' }, purpose: { type: 'string' } },
      },
      response: { 200: personDecisionSchema, ...errorResponses, 409: errorResponses[400] },
    },
  }, async (request) => {
    const { id } = request.params;
    const reason = request.body.reason.trim();
    request.auditNote = { resource: 'application-review', action: request.body.decision, subjects: [id], reason };
    const client = caller(request);
    const decision = automatic.get(id);
    if (!decision) throw new HttpError(404, 'not_found', `no application decision ${id}`);
    request.auditNote.subjects = [id, ...Object.values(decision.input)];
    if (decision.decision !== 'manual_review') throw new HttpError(409, 'conflict', `application ${id} was approved automatically: nothing waits for a person`);
    // Recorded first: a decision whose audit record cannot be written is not made.
    await recordBeforeCommit(request);
    return people.record({ id, decision: request.body.decision === 'approve' ? 'approved' : 'refused', reason, decidedBy: client.id, decidedAt: new Date().toISOString() });
  });
};
