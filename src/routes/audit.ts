/** The audit trail: auditors query it; a person's own access history has its own grant. */
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { personAccessLog, type GrantView } from '../audit/accessLog.js';
import { AuditFilterError, auditFilterOf } from '../audit/auditFilter.js';
import { queryAuditPage } from '../audit/queryAudit.js';
import { canonicalSubject } from '../audit/subjectList.js';
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
  additionalProperties: true,
} as const;

const checkpointSchema = {
  type: 'object',
  properties: {
    chain: { type: 'string' }, seq: { type: 'integer' }, hash: { type: 'string' }, time: { type: 'string' }, from: { type: 'integer' }, root: { type: 'string' },
    prev: { type: ['string', 'null'] }, closed: { type: 'boolean' }, keyId: { type: 'string' }, sig: { type: 'string' },
  },
} as const;

const proofSchema = {
  type: ['object', 'null'], description: 'The signed checkpoint whose interval holds the record, the record\'s index in it and the Merkle siblings to its root; null until a checkpoint covers the record',
  properties: { checkpoint: checkpointSchema, index: { type: 'integer' }, steps: { type: 'array', items: { type: 'object', properties: { hash: { type: 'string' }, side: { enum: ['left', 'right'] } } } } },
} as const;

const accessSchema = {
  type: 'object',
  properties: {
    time: { type: 'string' }, client: { type: ['string', 'null'] }, department: { type: ['string', 'null'] }, purpose: { type: ['string', 'null'] },
    legalBasis: { type: 'string' }, initiator: { type: 'string' }, resource: { type: 'string' }, action: { type: 'string' },
    fields: { type: 'array', items: { type: 'string' } },
    record: { type: 'object', properties: { chain: { type: 'string' }, seq: { type: 'integer' }, hash: { type: 'string' } } },
    proof: proofSchema,
    content: { ...recordSchema, description: 'The whole audit record, when it names no one else: its hash can be recomputed from it' },
  },
} as const;

/** An audit filter from the query string, or a 400 naming what is wrong with it. */
function filterOf(query: Record<string, unknown>) {
  try {
    return auditFilterOf(query);
  } catch (error) {
    if (error instanceof AuditFilterError) throw new HttpError(400, 'invalid_filter', error.message);
    throw error;
  }
}

export const auditRoutes: FastifyPluginAsync<{ auditDir: string }> = async (fastify, options) => {
  fastify.get<{ Querystring: { client?: string; subject?: string; resource?: string; outcome?: string; from?: string; to?: string; limit?: number; cursor?: string } }>('/v1/audit', {
    config: apiRoute('audit', 'query', ['auditor'], 'bulk'),
    schema: {
      summary: 'Search the audit trail (auditors)', tags: ['audit'],
      querystring: {
        type: 'object',
        properties: {
          client: { type: 'string' }, subject: { type: 'string' }, resource: { type: 'string' }, outcome: { enum: ['allowed', 'denied', 'error'] },
          from: { type: 'string', description: 'ISO 8601 date or time, inclusive' }, to: { type: 'string', description: 'ISO 8601 date or time, exclusive' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
          cursor: { type: 'string', description: 'The "next" of the previous page' },
        },
      },
      response: { 200: { type: 'object', required: ['records', 'next'], properties: { records: { type: 'array', items: recordSchema }, next: { type: ['string', 'null'] } } }, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'audit', action: 'query', subjects: typeof request.query.subject === 'string' ? [canonicalSubject(request.query.subject)] : [] };
    requireRole(request, 'auditor');
    // Auditors see every record, covert ones too.
    return queryAuditPage(options.auditDir, filterOf(request.query));
  });

  fastify.get<{ Params: { id: string }; Querystring: { purpose?: string; limit?: number; cursor?: string } }>('/v1/persons/:id/access-log', {
    config: apiRoute('access-log', 'lookup', 'client', 'lookup', 'id'),
    schema: {
      summary: 'Who looked at this person\'s record, when and for what purpose', tags: ['persons', 'audit'],
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } },
      querystring: { type: 'object', properties: { purpose: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor: { type: 'string' } } },
      response: {
        200: {
          type: 'object', required: ['id_number', 'accesses', 'next'],
          properties: { id_number: { type: 'string' }, accesses: { type: 'array', items: accessSchema }, next: { type: ['string', 'null'] } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'access-log', action: 'lookup', subjects: [request.params.id] };
    requireGrant(request, 'access-log', purposeOf(request));
    const id = validIdNumber(request.params.id);
    request.auditNote.subjects = [id];
    if (request.query.cursor !== undefined) filterOf({ cursor: request.query.cursor });
    const grants = fastify.access.read().grants as readonly GrantView[];
    const page = await personAccessLog(options.auditDir, id, { limit: request.query.limit ?? 100, ...(request.query.cursor ? { cursor: request.query.cursor } : {}), grants });
    request.auditNote.fields = ['time', 'client', 'department', 'purpose', 'legalBasis', 'initiator', 'fields', 'proof'];
    if (!fastify.snapshots.current()?.persons.has(id)) throw new HttpError(404, 'not_found', 'no such person in the published register');
    return { id_number: id, ...page };
  });
};

export function auditDirOf(dataDir: string): string {
  return join(dataDir, 'audit');
}
