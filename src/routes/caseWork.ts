/**
 * Working cases: the queue (most money first, then the oldest, with who works on each), each
 * rule's outcome rate over the periods, and a case's assignment and notes (analysts and
 * stewards). A case is assigned to an analyst or a steward of the exchange, never to anyone
 * else; every change is audited with the case's subject like the lifecycle's.
 */
import type { FastifyPluginAsync } from 'fastify';
import { CaseStore } from '../cases/caseStore.js';
import { caseDetail, listCases } from '../cases/caseList.js';
import { orderQueue, ruleOutcomes, type QueueOrder } from '../cases/caseQueue.js';
import { CaseWorkStore } from '../cases/caseWork.js';
import type { CaseStatus } from '../cases/caseLifecycle.js';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses } from './schemas.js';

const caseId = { type: 'string', pattern: '^C[0-9a-f]{12}$' } as const;
const workSchema = {
  type: 'object', required: ['assignee', 'notes'],
  properties: {
    assignee: { type: ['string', 'null'] }, assignedBy: { type: ['string', 'null'] }, assignedAt: { type: ['string', 'null'] },
    notes: { type: 'array', items: { type: 'object', properties: { by: { type: 'string' }, at: { type: 'string' }, text: { type: 'string' } } } },
  },
} as const;

export const caseWorkRoutes: FastifyPluginAsync = async (fastify) => {
  const cases = new CaseStore(fastify.dataDir);
  const work = new CaseWorkStore(fastify.dataDir);

  const known = (id: string) => {
    const found = caseDetail(cases, id);
    if (!found) throw new HttpError(404, 'not_found', `no case ${id}`);
    return found;
  };

  fastify.get<{ Querystring: { order: QueueOrder; period?: string; rule?: string; status?: CaseStatus; assignee?: string; offset: number; limit: number } }>('/v1/cases/queue', {
    config: apiRoute('cases', 'queue', ['analyst', 'steward'], 'read'),
    schema: {
      summary: 'Cases as a work queue: most money first then the oldest (or the oldest first), with who works on each (analysts, stewards)', tags: ['cases'],
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          order: { enum: ['amount', 'age'], default: 'amount' }, period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, rule: { type: 'string', maxLength: 200 },
          status: { enum: ['open', 'confirmed', 'dismissed', 'resolved'] }, assignee: { type: 'string', maxLength: 100 }, purpose: { type: 'string' },
          offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 50 },
        },
      },
      response: { 200: { type: 'object', required: ['total', 'cases'], properties: { total: { type: 'integer' }, cases: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'queue' };
    const { order, offset, limit, assignee, ...filter } = request.query;
    const assigned = work.all();
    const all = orderQueue(listCases(cases, filter), order).filter((c) => assignee === undefined || (assigned.get(c.caseId)?.assignee ?? '') === assignee);
    const page = all.slice(offset, offset + limit).map((c) => {
      const w = assigned.get(c.caseId);
      return { ...c, assignee: w?.assignee ?? null, notes: w?.notes.length ?? 0 };
    });
    request.auditNote.subjects = page.map((c) => c.subjectId).filter((s): s is string => s !== null);
    return { total: all.length, cases: page };
  });

  fastify.get('/v1/cases/outcomes', {
    config: apiRoute('cases', 'outcomes', ['analyst', 'steward'], 'read'),
    schema: {
      summary: 'Each rule\'s outcome rate per period: cases found, confirmed (or resolved) against dismissed, still open', tags: ['cases'],
      response: {
        200: {
          type: 'object', required: ['outcomes'],
          properties: { outcomes: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' }, period: { type: 'string' }, found: { type: 'integer' }, confirmed: { type: 'integer' }, dismissed: { type: 'integer' }, open: { type: 'integer' }, rate: { type: ['number', 'null'] } } } } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'outcomes' };
    return { outcomes: ruleOutcomes(listCases(cases)) };
  });

  fastify.get<{ Params: { id: string } }>('/v1/cases/:id/work', {
    config: apiRoute('cases', 'work', ['analyst', 'steward'], 'read'),
    schema: { summary: 'Who works on a case, and its notes', tags: ['cases'], params: { type: 'object', required: ['id'], properties: { id: caseId } }, response: { 200: workSchema, ...errorResponses } },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'work' };
    const found = known(request.params.id);
    request.auditNote.subjects = found.subjectId ? [found.subjectId] : [];
    return work.of(found.caseId);
  });

  fastify.post<{ Params: { id: string }; Body: { assignee: string | null } }>('/v1/cases/:id/assign', {
    config: apiRoute('cases', 'assign', ['analyst', 'steward'], 'change'),
    schema: {
      summary: 'Assign a case to an analyst or a steward (null: to no one)', tags: ['cases'],
      params: { type: 'object', required: ['id'], properties: { id: caseId } },
      body: { type: 'object', required: ['assignee'], additionalProperties: false, properties: { assignee: { type: ['string', 'null'], minLength: 1, maxLength: 100 }, purpose: { type: 'string' } } },
      response: { 200: workSchema, ...errorResponses },
    },
  }, async (request) => {
    const assignee = request.body.assignee;
    request.auditNote = { resource: 'cases', action: 'assign', reason: assignee ?? 'unassigned' };
    const client = caller(request);
    const found = known(request.params.id);
    request.auditNote.subjects = found.subjectId ? [found.subjectId] : [];
    if (assignee !== null) {
      const person = fastify.access.read().clients.find((c) => c.id === assignee && !c.disabled);
      if (!person || !person.roles.some((r) => r === 'analyst' || r === 'steward')) throw new HttpError(400, 'invalid_request', `${assignee} is not an analyst or a steward of the exchange`);
    }
    await recordBeforeCommit(request);
    return work.record({ caseId: found.caseId, kind: 'assign', by: client.id, at: new Date().toISOString(), assignee });
  });

  fastify.post<{ Params: { id: string }; Body: { text: string } }>('/v1/cases/:id/notes', {
    config: apiRoute('cases', 'note', ['analyst', 'steward'], 'change'),
    schema: {
      summary: 'Add a note to a case', tags: ['cases'],
      params: { type: 'object', required: ['id'], properties: { id: caseId } },
      body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' }, purpose: { type: 'string' } } },
      response: { 200: workSchema, ...errorResponses },
    },
  }, async (request) => {
    request.auditNote = { resource: 'cases', action: 'note' };
    const client = caller(request);
    const found = known(request.params.id);
    request.auditNote.subjects = found.subjectId ? [found.subjectId] : [];
    await recordBeforeCommit(request);
    return work.record({ caseId: found.caseId, kind: 'note', by: client.id, at: new Date().toISOString(), text: request.body.text.trim() });
  });
};
