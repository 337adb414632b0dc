/** Lookups about legal entities: one company, and yes/no verifications. */
import type { FastifyPluginAsync } from 'fastify';
import { normaliseUscc, usccProblem } from '../ids/uscc.js';
import { catalogResource } from '../share/catalog.js';
import { disclose, ENTITY_QUESTIONS } from '../share/disclose.js';
import { HttpError, purposeOf, requireGrant } from '../plugins/exchange.js';
import { servingSnapshot } from './persons.js';
import { disclosureSchema, errorResponses, purposeQuery } from './schemas.js';

/** A requested USCC in normal form; a bad check character is still looked up (pilot-year codes fail it). */
function wellFormedUscc(raw: string): string {
  const uscc = normaliseUscc(raw);
  const problem = usccProblem(uscc);
  if (problem && problem !== 'bad check character') throw new HttpError(400, 'invalid_uscc', `"${raw}" is not a Unified Social Credit Code: ${problem}`);
  return uscc;
}

export const entityRoutes: FastifyPluginAsync = async (fastify) => {
  const legalEntity = catalogResource('legal-entity')!;
  const params = { type: 'object', required: ['uscc'], properties: { uscc: { type: 'string', maxLength: 40 } } } as const;

  fastify.get<{ Params: { uscc: string }; Querystring: { purpose?: string } }>('/v1/entities/:uscc', {
    schema: { summary: 'One company from the legal-entity register: the granted fields only', tags: ['entities'], params, querystring: purposeQuery, response: { 200: disclosureSchema, ...errorResponses } },
  }, async (request) => {
    request.auditNote = { resource: 'legal-entity', action: 'lookup', subjects: [request.params.uscc] };
    const grant = requireGrant(request, 'legal-entity', purposeOf(request));
    const uscc = wellFormedUscc(request.params.uscc);
    request.auditNote.subjects = [uscc];
    const snapshot = servingSnapshot(request);
    const record = snapshot.entities.get(uscc);
    if (!record) throw new HttpError(404, 'not_found', 'no such company in the published register');
    const disclosed = disclose(record, grant, legalEntity);
    request.auditNote.fields = disclosed.fields;
    return { period: snapshot.pointer.period, data: disclosed.data, provenance: disclosed.provenance };
  });

  fastify.get<{ Params: { uscc: string; question: string }; Querystring: { purpose?: string } }>('/v1/entities/:uscc/verify/:question', {
    schema: {
      summary: 'A yes/no answer about a company', tags: ['entities'],
      params: { type: 'object', required: ['uscc', 'question'], properties: { uscc: { type: 'string', maxLength: 40 }, question: { enum: ['active', 'owns-property'] } } },
      querystring: purposeQuery,
      response: { 200: { type: 'object', required: ['period', 'question', 'answer'], properties: { period: { type: 'string' }, question: { type: 'string' }, answer: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (request) => {
    const question = request.params.question.replaceAll('-', '_');
    request.auditNote = { resource: 'legal-entity-status', action: 'verify', subjects: [request.params.uscc] };
    const grant = requireGrant(request, 'legal-entity-status', purposeOf(request));
    if (!grant.fields[question]) throw new HttpError(403, 'not_granted', `the grant does not cover the question "${request.params.question}"`);
    const uscc = wellFormedUscc(request.params.uscc);
    const snapshot = servingSnapshot(request);
    const record = snapshot.entities.get(uscc);
    if (!record) throw new HttpError(404, 'not_found', 'no such company in the published register');
    request.auditNote.fields = [question];
    return { period: snapshot.pointer.period, question: request.params.question, answer: ENTITY_QUESTIONS[question]!(record) };
  });
};
