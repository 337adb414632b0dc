/**
 * Grants and conditional-sharing requests: a client sees its own; a provider department decides
 * on requests for its resources, approving or refusing with a reason. Every decision is audited.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Grant } from '../share/accessStore.js';
import { catalogResource } from '../share/catalog.js';
import { decideGrant, GRANT_LIMITS, GrantError, requestGrant } from '../share/grants.js';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses, errorSchema } from './schemas.js';

const grantSchema = {
  type: 'object',
  required: ['id', 'client', 'resource', 'fields', 'purposes', 'expiresAt', 'status'],
  properties: {
    id: { type: 'string' }, client: { type: 'string' }, resource: { type: 'string' },
    fields: { type: 'object', additionalProperties: { enum: ['full', 'masked'] } },
    purposes: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string' },
    status: { enum: ['active', 'pending', 'refused', 'revoked'] }, legalBasis: { type: 'string' },
    requestedAt: { type: 'string' }, decidedBy: { type: 'string' }, decidedAt: { type: 'string' }, reason: { type: 'string' },
  },
} as const;

function asHttp(error: unknown): never {
  if (error instanceof GrantError) throw new HttpError(error.statusCode, 'grant_error', error.message);
  throw error;
}

export const grantRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/v1/grants', {
    config: apiRoute('grants', 'list', ['department', 'provider', 'steward', 'auditor'], 'read'),
    schema: { summary: 'Grants and requests the caller may see', tags: ['grants'], response: { 200: { type: 'object', required: ['grants'], properties: { grants: { type: 'array', items: grantSchema } } }, ...errorResponses } },
  }, async (request) => {
    const client = caller(request);
    const all = fastify.access.read().grants;
    const visible = client.roles.includes('steward') || client.roles.includes('auditor')
      ? all
      : all.filter((g) => g.client === client.id || (client.roles.includes('provider') && catalogResource(g.resource)?.provider === client.department));
    return { grants: visible };
  });

  fastify.post<{ Body: { resource: string; fields: Grant['fields']; purposes: string[]; legal_basis: string; expires_at: string } }>('/v1/requests', {
    config: apiRoute('grants', 'request', ['department'], 'change'),
    schema: {
      summary: 'Apply for a conditional resource, stating purpose and legal basis', tags: ['grants'],
      body: {
        type: 'object', required: ['resource', 'fields', 'purposes', 'legal_basis', 'expires_at'], additionalProperties: false,
        properties: {
          resource: { type: 'string', maxLength: 100 }, fields: { type: 'object', maxProperties: 100, additionalProperties: { enum: ['full', 'masked'] } },
          purposes: { type: 'array', minItems: 1, maxItems: GRANT_LIMITS.purposes, items: { type: 'string', minLength: 1, maxLength: GRANT_LIMITS.purposeLength } },
          legal_basis: { type: 'string', minLength: 1, maxLength: GRANT_LIMITS.legalBasisLength }, expires_at: { type: 'string', maxLength: 40 },
        },
      },
      response: { 201: grantSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    request.auditNote = { resource: 'grants', action: 'request', subjects: [request.body.resource] };
    const client = caller(request);
    const grant = await requestGrant(fastify.access, {
      client: client.id, resource: request.body.resource, fields: request.body.fields, purposes: request.body.purposes,
      legalBasis: request.body.legal_basis, expiresAt: request.body.expires_at,
    }, (pending) => {
      request.auditNote!.subjects = [pending.id, pending.resource];
      return recordBeforeCommit(request, 201);
    }).catch(asHttp);
    return reply.code(201).send(grant);
  });

  for (const decision of ['approve', 'refuse'] as const) {
    fastify.post<{ Params: { id: string }; Body: { reason: string } }>(`/v1/requests/:id/${decision}`, {
      config: apiRoute('grants', decision, ['provider', 'steward'], 'change', 'id'),
      schema: {
        summary: decision === 'approve' ? 'Approve a pending request, giving the reason (the providing department, or a steward; never the applicant\'s own department)' : 'Refuse a pending request, giving the reason', tags: ['grants'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: GRANT_LIMITS.reasonLength, pattern: '\\S' } } },
        response: { 200: grantSchema, ...errorResponses, 409: errorSchema },
      },
    }, async (request) => {
      request.auditNote = { resource: 'grants', action: decision, subjects: [request.params.id], reason: request.body.reason };
      const client = caller(request);
      const pending = fastify.access.read().grants.find((g) => g.id === request.params.id);
      const provider = pending && catalogResource(pending.resource)?.provider;
      if (pending && !client.roles.includes('steward') && provider !== client.department) {
        throw new HttpError(403, 'not_provider', `only ${provider} decides on requests for ${pending.resource}`);
      }
      // Checked again under the store's lock with the latest state: the applicant, its department, still pending.
      return decideGrant(fastify.access, request.params.id, { approve: decision === 'approve', by: client.id, department: client.department, reason: request.body.reason }, (decided) => {
        request.auditNote!.subjects = [decided.id, decided.client, decided.resource];
        return recordBeforeCommit(request);
      }).catch(asHttp);
    });
  }
};
