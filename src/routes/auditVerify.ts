/** The audit chains' verification status over HTTP: what `dx audit verify` says, for auditors and stewards. */
import type { FastifyPluginAsync } from 'fastify';
import { verifyAuditDir } from '../audit/verifyAudit.js';
import { requireRole } from '../plugins/exchange.js';
import { errorResponses } from './schemas.js';
import { apiRoute } from '../plugins/routeGuard.js';

export const auditVerifyRoutes: FastifyPluginAsync<{ auditDir: string }> = async (fastify, options) => {
  fastify.get('/v1/audit/verify', {
    config: apiRoute('audit', 'verify', ['auditor', 'steward'], 'bulk'),
    schema: {
      summary: 'Verify every audit chain: each record unchanged, in place and linked; the first bad record of each chain is named', tags: ['audit'],
      response: {
        200: {
          type: 'object', required: ['ok', 'verified_at', 'chains'],
          properties: {
            ok: { type: 'boolean' }, verified_at: { type: 'string' },
            chains: {
              type: 'array',
              items: {
                type: 'object', required: ['chain', 'records', 'ok'],
                properties: {
                  chain: { type: 'string' }, records: { type: 'integer' }, ok: { type: 'boolean' },
                  head: { type: 'object', properties: { seq: { type: 'integer' }, hash: { type: 'string' } } },
                  firstBad: { type: 'object', properties: { line: { type: 'integer' }, seq: { type: ['integer', 'null'] }, problem: { type: 'string' } } },
                  problems: { type: 'array', items: { type: 'string' } }, checkpoints: { type: 'integer' }, unsigned: { type: 'integer' },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'audit', action: 'verify' };
    requireRole(request, 'auditor', 'steward');
    // The file paths stay on the server: the chain's name is enough to find it.
    const result = await verifyAuditDir(options.auditDir);
    return { ok: result.ok, verified_at: new Date().toISOString(), chains: result.chains.map(({ file: _file, ...chain }) => chain) };
  });
};
