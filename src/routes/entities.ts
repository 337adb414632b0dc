/** Lookups about legal entities: one company, and yes/no verifications. */
import type { FastifyPluginAsync } from 'fastify';
import { normaliseUscc, usccProblem } from '../ids/uscc.js';
import { ENTITY_QUESTIONS } from '../share/disclose.js';
import { HttpError } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { lookupOne, verifyOne, type Subject } from './lookup.js';
import { disclosureSchema, errorResponses, purposeQuery } from './schemas.js';

/** A requested USCC in normal form; a bad check character is still looked up (pilot-year codes fail it). */
function wellFormedUscc(raw: string): string {
  const uscc = normaliseUscc(raw);
  const problem = usccProblem(uscc);
  if (problem && problem !== 'bad check character') throw new HttpError(400, 'invalid_uscc', `"${raw}" is not a Unified Social Credit Code: ${problem}`);
  return uscc;
}

const company = (raw: string): Subject => ({ resource: 'legal-entity', view: 'entities', raw, normalise: wellFormedUscc, notFound: 'no such company in the published register' });

export const entityRoutes: FastifyPluginAsync = async (fastify) => {
  const params = { type: 'object', required: ['uscc'], properties: { uscc: { type: 'string', maxLength: 40 } } } as const;

  fastify.get<{ Params: { uscc: string }; Querystring: { purpose?: string } }>('/v1/entities/:uscc', {
    config: apiRoute('legal-entity', 'lookup', 'client', 'lookup', 'uscc'),
    schema: { summary: 'One company from the legal-entity register: the granted fields only', tags: ['entities'], params, querystring: purposeQuery, response: { 200: disclosureSchema, ...errorResponses } },
  }, (request, reply) => { lookupOne(request, reply, company(request.params.uscc)); });

  fastify.get<{ Params: { uscc: string; question: string }; Querystring: { purpose?: string } }>('/v1/entities/:uscc/verify/:question', {
    config: apiRoute('legal-entity-status', 'verify', 'client', 'lookup', 'uscc'),
    schema: {
      summary: 'A yes/no answer about a company', tags: ['entities'],
      params: { type: 'object', required: ['uscc', 'question'], properties: { uscc: { type: 'string', maxLength: 40 }, question: { enum: ['active', 'owns-property'] } } },
      querystring: purposeQuery,
      response: { 200: { type: 'object', required: ['period', 'question', 'answer'], properties: { period: { type: 'string' }, question: { type: 'string' }, answer: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (request) => verifyOne(request, company(request.params.uscc), 'legal-entity-status', request.params.question, ENTITY_QUESTIONS));
};
