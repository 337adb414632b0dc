/**
 * Bulk extracts: an authorised client streams a resource's granted fields as an Apache Arrow IPC
 * stream or as CSV, optionally only the rows changed since an earlier published period, to keep
 * its own copy in sync.
 */
import { quotedIdentifier as ident } from '@duckdb/node-api';
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

/** The format an Accept header asks for (format= wins over it); null when it accepts neither. */
export function acceptedFormat(accept: string | undefined): 'arrow' | 'csv' | null {
  if (!accept) return 'arrow';
  const types = accept.split(',').map((part) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { type: type.trim(), q: Number.isFinite(q) ? q : 0 };
  }).filter((x) => x.q > 0).sort((a, b) => b.q - a.q);
  for (const { type } of types) {
    if (type === 'text/csv') return 'csv';
    if (type === ARROW_STREAM || type === 'application/*' || type === '*/*') return 'arrow';
    if (type === 'text/*') return 'csv';
  }
  return null;
}

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
          format: { enum: ['arrow', 'csv'], description: 'Without it, the Accept header decides (text/csv or the Arrow stream type; Arrow when it accepts either)' },
          since: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'Only rows new or changed since this published period' },
        },
      },
      response: { 200: { description: 'The rows, streamed', type: 'string', format: 'binary' }, ...errorResponses, 406: errorResponses[400] },
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
    const format = request.query.format ?? acceptedFormat(request.headers.accept);
    if (format === null) throw new HttpError(406, 'not_acceptable', `extracts are ${ARROW_STREAM} or text/csv; Accept: ${request.headers.accept} asks for neither`);
    const arrow = format === 'arrow';
    const connection = await snapshot.connect();
    if (request.query.since) {
      // A period never published (or no longer kept) has nothing to compare with: refused, not everything.
      const probe = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${ident(`${resource.view}_history`)} WHERE period = $since`, { since: request.query.since });
      if (Number(probe.getRowObjects()[0]?.n ?? 0) === 0) {
        connection.closeSync();
        throw new HttpError(400, 'invalid_since', `${request.query.since} is not a published period this exchange keeps; since must name one`);
      }
    }
    // The exact set of subjects whose rows leave, stored beside the audit record it names.
    const keys = extractSql(resource, { ...grant, fields: { [resource.key]: 'full' } }, request.query.since);
    const list = await storeExtractSubjects(auditDirOf(fastify.dataDir), connection, keys.sql, keys.params).catch((error: Error) => {
      connection.closeSync();
      throw error;
    });
    request.auditNote.subjects = [`${resource.id}@${snapshot.pointer.period}${request.query.since ? ` since ${request.query.since}` : ''}`, list];
    reply.header('content-type', arrow ? ARROW_STREAM : 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${resource.id}-${snapshot.pointer.period}.${arrow ? 'arrows' : 'csv'}"`);
    reply.header('x-period', snapshot.pointer.period);
    const stream = arrow ? arrowStreamFromQuery(connection, sql, params) : csvStreamFromQuery(connection, sql, params);
    stream.once('close', () => connection.closeSync());
    return reply.send(stream);
  });
};
