/** Lookups about persons: one record, a batch, yes/no verifications, and a person's access history. */
import type { FastifyPluginAsync } from 'fastify';
import { normaliseResidentId, residentIdProblem } from '../ids/residentId.js';
import { catalogResource } from '../share/catalog.js';
import { disclosurePlan, discloseInto, PERSON_QUESTIONS } from '../share/disclose.js';
import { lookupOne, sendPeriodAnswer, servingSnapshot, verifyOne, type Subject } from './lookup.js';
import { HttpError, purposeOf, requireGrant } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { disclosureSchema, errorResponses, purposeQuery } from './schemas.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

const person = (raw: string): Subject => ({ resource: 'population', view: 'persons', raw, normalise: validIdNumber, notFound: 'no such person in the published register' });

/** The normal form of a requested ID number, or a 400 saying what is wrong with it. */
export function validIdNumber(raw: string): string {
  const id = normaliseResidentId(raw);
  const problem = residentIdProblem(id);
  if (problem) throw new HttpError(400, 'invalid_id_number', `"${raw}" is not a valid citizen ID number: ${problem}`);
  return id;
}

export const personRoutes: FastifyPluginAsync = async (fastify) => {
  const population = catalogResource('population')!;

  fastify.get<{ Params: { id: string }; Querystring: { purpose?: string } }>('/v1/persons/:id', {
    config: apiRoute('population', 'lookup', 'client', 'lookup', 'id'),
    schema: { summary: 'One person from the population register: the granted fields only', tags: ['persons'], params: idParams, querystring: purposeQuery, response: { 200: disclosureSchema, ...errorResponses } },
  }, (request, reply) => { lookupOne(request, reply, person(request.params.id)); });

  fastify.post<{ Body: { ids: string[]; purpose: string } }>('/v1/persons/batch', {
    config: apiRoute('population', 'batch', 'client', 'bulk'),
    // 1,000 IDs of up to 40 characters, quoted, and a purpose.
    bodyLimit: 64 * 1024,
    schema: {
      summary: 'Up to 1,000 persons at once', tags: ['persons'],
      body: { type: 'object', required: ['ids', 'purpose'], additionalProperties: false, properties: { ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', maxLength: 40 } }, purpose: { type: 'string', minLength: 1, maxLength: 200 } } },
      response: {
        200: {
          type: 'object', required: ['period', 'results'],
          properties: {
            period: { type: 'string' },
            results: { type: 'array', items: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { enum: ['found', 'not_found', 'invalid'] }, reason: { type: 'string' }, data: disclosureSchema.properties.data, provenance: disclosureSchema.properties.provenance, sources: disclosureSchema.properties.sources } } },
          },
        },
        ...errorResponses,
      },
    },
  }, (request, reply) => {
    // Recorded by canonical ID, so that the person's access log finds them; the spellings sent beside, when any differs.
    const canonical = request.body.ids.map(normaliseResidentId);
    const spelledOtherwise = canonical.some((id, i) => id !== request.body.ids[i]);
    request.auditNote = { resource: 'population', action: 'batch', subjects: canonical, ...(spelledOtherwise ? { subjectsSent: request.body.ids } : {}) };
    const grant = requireGrant(request, 'population', purposeOf(request));
    const snapshot = servingSnapshot(request);
    const plan = disclosurePlan(grant, population, snapshot.persons);
    let found = false;
    sendPeriodAnswer(reply, snapshot, (out) => {
      out.ascii('"results":[');
      request.body.ids.forEach((raw, i) => {
        if (i > 0) out.ascii(',');
        const id = canonical[i]!;
        const problem = residentIdProblem(id);
        if (problem) return out.text(`{"id":${JSON.stringify(raw)},"status":"invalid","reason":${JSON.stringify(problem)}}`);
        const row = snapshot.persons.row(id);
        if (row === undefined) return out.text(`{"id":${JSON.stringify(id)},"status":"not_found"}`);
        found = true;
        out.text(`{"id":${JSON.stringify(id)},"status":"found",`);
        discloseInto(out, row, plan);
        out.ascii('}');
      });
      out.ascii(']');
      // Before the answer is sent: the audit record is made as it goes.
      request.auditNote!.fields = found ? plan.fields : [];
    });
  });

  fastify.get<{ Params: { id: string; question: string }; Querystring: { purpose?: string } }>('/v1/persons/:id/verify/:question', {
    config: apiRoute('population-status', 'verify', 'client', 'lookup', 'id'),
    schema: {
      summary: 'A yes/no answer that discloses nothing else', tags: ['persons'],
      params: { type: 'object', required: ['id', 'question'], properties: { id: { type: 'string', maxLength: 40 }, question: { enum: ['alive', 'registered-locally', 'disability-certificate', 'owns-property'] } } },
      querystring: purposeQuery,
      response: { 200: { type: 'object', required: ['period', 'question', 'answer'], properties: { period: { type: 'string' }, question: { type: 'string' }, answer: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (request) => verifyOne(request, person(request.params.id), 'population-status', request.params.question, PERSON_QUESTIONS));
};
