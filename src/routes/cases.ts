/**
 * Cross-check cases for analysts and stewards: list and filter them, read one with its history,
 * and confirm, dismiss, resolve or reopen it with a reason. The change is recorded in the case
 * store under the caller's client id, and the request in the audit log like every other.
 */
import type { FastifyPluginAsync } from 'fastify';
import { CaseStore } from '../cases/caseStore.js';
import { ACTIONS, CaseTransitionError, type CaseAction, type CaseStatus } from '../cases/caseLifecycle.js';
import { caseDetail, listCases, tallyCases } from '../cases/caseList.js';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses, errorSchema } from './schemas.js';

const caseSchema = { type: 'object', additionalProperties: true, properties: { caseId: { type: 'string' }, rule: { type: 'string' }, status: { type: 'string' } } } as const;
const caseIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C[0-9a-f]{12}$' } } } as const;

export const caseRoutes: FastifyPluginAsync = async (fastify) => {
  const store = new CaseStore(fastify.dataDir);

  fastify.get<{ Querystring: { period?: string; rule?: string; status?: CaseStatus; subject?: string; limit: number; offset: number } }>('/v1/cases', {
    config: apiRoute('cases', 'list', ['analyst', 'steward'], 'read'),
    schema: {
      summary: 'Cross-check cases (analysts, stewards), filtered by period, rule, status or subject', tags: ['cases'],
      querystring: {
        type: 'object',
        properties: {
          period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, rule: { type: 'string' }, status: { enum: ['open', 'confirmed', 'dismissed', 'resolved'] },
          subject: { type: 'string', maxLength: 40 }, purpose: { type: 'string', maxLength: 200 },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 }, offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['total', 'cases'],
          properties: {
            total: { type: 'integer' }, cases: { type: 'array', items: caseSchema },
            // Per rule and per status over the period's (and subject's) cases, whatever rule or status was asked: what a filter offers.
            counts: { type: 'object', properties: { rules: { type: 'object', additionalProperties: { type: 'integer' } }, statuses: { type: 'object', additionalProperties: { type: 'integer' } } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'list' };
    const { limit, offset, ...filter } = request.query;
    const all = listCases(store, filter);
    const cases = all.slice(offset, offset + limit);
    request.auditNote.subjects = cases.map((c) => c.subjectId).filter((s): s is string => s !== null);
    const counts = filter.rule || filter.status ? tallyCases(listCases(store, { period: filter.period, subject: filter.subject })) : tallyCases(all);
    return { total: all.length, cases, counts };
  });

  fastify.get<{ Params: { id: string } }>('/v1/cases/:id', {
    config: apiRoute('cases', 'get', ['analyst', 'steward'], 'read'),
    schema: { summary: 'One case: its findings in every period and its history', tags: ['cases'], params: caseIdParams, response: { 200: caseSchema, ...errorResponses } },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'get' };
    const found = caseDetail(store, request.params.id);
    if (!found) throw new HttpError(404, 'not_found', `no case ${request.params.id}`);
    request.auditNote.subjects = found.subjectId ? [found.subjectId] : [];
    return found;
  });

  fastify.post<{ Params: { id: string; action: CaseAction }; Body: { reason: string } }>('/v1/cases/:id/:action', {
    config: apiRoute('cases', 'change', ['analyst', 'steward'], 'change'),
    schema: {
      summary: 'Confirm, dismiss, resolve or reopen a case, with the reason', tags: ['cases'],
      params: { type: 'object', required: ['id', 'action'], properties: { id: caseIdParams.properties.id, action: { enum: Object.keys(ACTIONS) } } },
      body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 }, purpose: { type: 'string', maxLength: 200 } } },
      response: { 200: caseSchema, ...errorResponses, 409: errorSchema },
    },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: request.params.action, reason: request.body.reason };
    const client = caller(request);
    const current = caseDetail(store, request.params.id);
    if (!current) throw new HttpError(404, 'not_found', `no case ${request.params.id}`);
    request.auditNote.subjects = current.subjectId ? [current.subjectId] : [];
    try {
      // Recorded first: a change whose record cannot be written is not made. The store checks the
      // transition again under its lock; if it refuses, the answer's own record says so.
      await recordBeforeCommit(request);
      const changed = await store.change(request.params.id, request.params.action, client.id, request.body.reason);
      return caseDetail(store, changed.caseId);
    } catch (error) {
      if (error instanceof CaseTransitionError) throw new HttpError(error.statusCode, error.statusCode === 404 ? 'not_found' : error.statusCode === 409 ? 'conflict' : 'invalid_request', error.message);
      throw error;
    }
  });
};
