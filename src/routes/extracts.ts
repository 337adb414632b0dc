/**
 * Bulk extracts: an authorised client streams a resource's granted fields as an Apache Arrow IPC
 * stream or as CSV, optionally only the rows changed since an earlier published period, to keep
 * its own copy in sync.
 */
import type { FastifyPluginAsync } from 'fastify';
import { storeExtractSubjects } from '../audit/extractSubjects.js';
import { arrowStreamFromQuery } from '../extracts/arrowStream.js';
import { csvStreamFromQuery } from '../extracts/csvStream.js';
import { catalogResource } from '../share/catalog.js';
import { extractSql } from '../share/extractSql.js';
import { HttpError, purposeOf, requireGrant } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { auditDirOf } from './audit.js';
import { servingSnapshot } from './lookup.js';
import { errorResponses } from './schemas.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export const extractRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get<{ Params: { resource: string }; Querystring: { purpose?: string; format?: 'arrow' | 'csv'; since?: string } }>('/v1/extracts/:resource', {
    config: apiRoute('extracts', 'extract', 'client', 'bulk'),
    schema: {
      summary: 'Stream the granted fields of a resource (Arrow IPC stream or CSV), optionally only what changed since a period', tags: ['extracts'],
      params: { type: 'object', required: ['resource'], properties: { resource: { enum: ['population', 'legal-entity'] } } },
      querystring: {
        type: 'object',
        properties: {
          purpose: { type: 'string', minLength: 1, maxLength: 200 },
          format: { enum: ['arrow', 'csv'], default: 'arrow' },
          since: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'Only rows new or changed since this published period' },
        },
      },
      response: { 200: { description: 'The rows, streamed', type: 'string', format: 'binary' }, ...errorResponses },
    },
  }, async (request, reply) => {
    request.auditNote = { resource: request.params.resource, action: 'extract' };
    const grant = requireGrant(request, request.params.resource, purposeOf(request));
    const resource = catalogResource(request.params.resource)!;
    const snapshot = servingSnapshot(request);
    if (request.query.since && request.query.since >= snapshot.pointer.period) {
      throw new HttpError(400, 'invalid_since', `since must be a period before the served one (${snapshot.pointer.period})`);
    }
    const { sql, params, fields } = extractSql(resource, grant, request.query.since);
    request.auditNote.fields = fields;
    const connection = await snapshot.connect();
    // The exact set of subjects whose rows leave, stored beside the audit record it names.
    const keys = extractSql(resource, { ...grant, fields: { [resource.key]: 'full' } }, request.query.since);
    const list = await storeExtractSubjects(auditDirOf(fastify.dataDir), connection, keys.sql, keys.params).catch((error: Error) => {
      connection.closeSync();
      throw error;
    });
    request.auditNote.subjects = [`${resource.id}@${snapshot.pointer.period}${request.query.since ? ` since ${request.query.since}` : ''}`, list];
    const arrow = (request.query.format ?? 'arrow') === 'arrow';
    reply.header('content-type', arrow ? ARROW_STREAM : 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${resource.id}-${snapshot.pointer.period}.${arrow ? 'arrows' : 'csv'}"`);
    reply.header('x-period', snapshot.pointer.period);
    const stream = arrow ? arrowStreamFromQuery(connection, sql, params) : csvStreamFromQuery(connection, sql, params);
    stream.once('close', () => connection.closeSync());
    return reply.send(stream);
  });
};
