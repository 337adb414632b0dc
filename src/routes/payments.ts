/**
 * The pre-payment check for the pension department: POST the month's planned payments (its CSV
 * export) and learn which to hold and why, against the latest published snapshot. Needs a grant
 * of payment-check; death dates and evidence are disclosed only when granted.
 */
import type { FastifyPluginAsync } from 'fastify';
import { HttpError, purposeOf, requireGrant } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { parsePlannedPayments } from '../payments/plannedPayments.js';
import { checkPlannedPayments, HOLD_REASONS } from '../payments/prePaymentCheck.js';
import { snapshotPersonFacts } from '../payments/snapshotFacts.js';
import { servingSnapshot } from './lookup.js';
import { errorResponses, purposeQuery } from './schemas.js';

const heldSchema = {
  type: 'object',
  required: ['line', 'reason', 'detail'],
  properties: {
    line: { type: 'integer' }, idNumber: { type: 'string' }, name: { type: 'string' }, payMonth: { type: ['string', 'null'] }, amount: { type: ['number', 'null'] },
    reason: { enum: [...HOLD_REASONS] }, detail: { type: 'string' }, deathDate: { type: 'string' },
    deathEvidence: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

export const paymentRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  fastify.post<{ Body: string; Querystring: { purpose?: string } }>('/v1/payments/check', {
    config: apiRoute('payment-check', 'check', 'client', 'bulk'),
    bodyLimit: 64 * 1024 * 1024,
    schema: {
      summary: 'Pre-payment check: which planned pension payments to hold, and why', tags: ['payments'],
      description: 'The body is the pension department\'s planned-payments CSV (社会保障号码, 姓名, 发放年月, 发放金额, 开户银行), Content-Type text/csv.',
      querystring: purposeQuery,
      body: { type: 'string', minLength: 1 },
      response: {
        200: {
          type: 'object', required: ['period', 'rows', 'toPay', 'held'],
          properties: {
            period: { type: 'string' }, rows: { type: 'integer' }, toPay: { type: 'integer' }, toPayAmount: { type: 'number' },
            held: { type: 'array', items: heldSchema }, heldAmount: { type: 'number' },
            heldByReason: { type: 'object', additionalProperties: { type: 'integer' } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'payment-check', action: 'check' };
    const grant = requireGrant(request, 'payment-check', purposeOf(request));
    if (!grant.fields.hold) throw new HttpError(403, 'not_granted', 'the grant does not cover hold decisions');
    let planned;
    try {
      planned = parsePlannedPayments(request.body, 'request body');
    } catch (error) {
      // The message may quote the file (its header line): HttpError answers carry a short excerpt only.
      throw new HttpError(400, 'invalid_payments', (error as Error).message);
    }
    const snapshot = servingSnapshot(request);
    const connection = await snapshot.connect();
    try {
      const result = await checkPlannedPayments(planned, snapshotPersonFacts(connection), snapshot.pointer.period);
      request.auditNote.subjects = result.held.map((h) => h.idNumber).filter(Boolean);
      const disclosed = ['hold', ...(grant.fields.death_date ? ['death_date'] : []), ...(grant.fields.death_evidence ? ['death_evidence'] : [])];
      request.auditNote.fields = disclosed;
      const held = result.held.map(({ deathDate, deathEvidence, ...h }) => ({
        ...h, ...(grant.fields.death_date && deathDate ? { deathDate } : {}), ...(grant.fields.death_evidence && deathEvidence ? { deathEvidence } : {}),
      }));
      const { source: _source, ...rest } = result;
      return { ...rest, held };
    } finally {
      connection.closeSync();
    }
  });
};
