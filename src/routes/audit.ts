/** The audit trail: auditors query it; a person's own access history has its own grant. */
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { queryAudit } from '../audit/queryAudit.js';
import { HttpError, purposeOf, requireGrant, requireRole } from '../plugins/exchange.js';
import { validIdNumber } from './persons.js';
import { errorResponses } from './schemas.js';
import { apiRoute } from '../plugins/routeGuard.js';

const recordSchema = {
  type: 'object',
  properties: {
    time: { type: 'string' }, requestId: { type: 'string' }, client: { type: ['string', 'null'] }, department: { type: ['string', 'null'] },
    purpose: { type: ['string', 'null'] }, resource: { type: 'string' }, action: { type: 'string' },
    subjects: { type: 'array', items: { type: 'string' } }, fields: { type: 'array', items: { type: 'string' } },
    outcome: { type: 'string' }, status: { type: 'integer' }, reason: { type: 'string' },
    chain: { type: 'string' }, seq: { type: 'integer' }, prevHash: { type: 'string' }, hash: { type: 'string' },
  },
} as const;

export const auditRoutes: FastifyPluginAsync<{ auditDir: string }> = async (fastify, options) => {
  fastify.get<{ Querystring: { client?: string; subject?: string; resource?: string; outcome?: string; from?: string; to?: string; limit?: number } }>('/v1/audit', {
    config: apiRoute('audit', 'query', ['auditor'], 'bulk'),
    schema: {
      summary: 'Search the audit trail (auditors)', tags: ['audit'],
      querystring: {
        type: 'object',
        properties: {
          client: { type: 'string' }, subject: { type: 'string' }, resource: { type: 'string' }, outcome: { enum: ['allowed', 'denied', 'error'] },
          from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
        },
      },
      response: { 200: { type: 'object', required: ['records'], properties: { records: { type: 'array', items: recordSchema } } }, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'audit', action: 'query', subjects: request.query.subject ? [request.query.subject] : [] };
    requireRole(request, 'auditor');
    return { records: await queryAudit(options.auditDir, request.query) };
  });

  fastify.get<{ Params: { id: string }; Querystring: { purpose?: string; limit?: number } }>('/v1/persons/:id/access-log', {
    config: apiRoute('access-log', 'lookup', 'client', 'lookup', 'id'),
    schema: {
      summary: 'Who looked at this person\'s record, when and for what purpose', tags: ['persons', 'audit'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } },
      querystring: { type: 'object', properties: { purpose: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } },
      response: {
        200: {
          type: 'object', required: ['id_number', 'accesses'],
          properties: { id_number: { type: 'string' }, accesses: { type: 'array', items: { type: 'object', properties: { time: { type: 'string' }, client: { type: ['string', 'null'] }, department: { type: ['string', 'null'] }, purpose: { type: ['string', 'null'] }, fields: { type: 'array', items: { type: 'string' } } } } } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'access-log', action: 'lookup', subjects: [request.params.id] };
    requireGrant(request, 'access-log', purposeOf(request));
    const id = validIdNumber(request.params.id);
    request.auditNote.subjects = [id];
    const records = await queryAudit(options.auditDir, { subject: id, outcome: 'allowed', limit: request.query.limit ?? 100 });
    const accesses = records.filter((r) => r.resource !== 'access-log' && r.fields.length > 0)
      .map((r) => ({ time: r.time, client: r.client, department: r.department, purpose: r.purpose, fields: r.fields }));
    request.auditNote.fields = ['time', 'client', 'department', 'purpose', 'fields'];
    if (!fastify.snapshots.current()?.persons.has(id)) throw new HttpError(404, 'not_found', 'no such person in the published register');
    return { id_number: id, accesses };
  });
};

export function auditDirOf(dataDir: string): string {
  return join(dataDir, 'audit');
}
