/**
 * Deciding many ID repairs at once: a steward accepts or rejects every repair of one evidence
 * class (the console groups them) with one reason. Each repair is checked as the one-by-one
 * route checks it (in the period's report, actually repaired), all of them before any is
 * recorded, so a request names a wrong id and changes nothing. The decisions take effect when
 * the period is governed again, as single decisions do; the answer says so.
 */
import type { FastifyPluginAsync } from 'fastify';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { RepairDecisionStore, type RepairDecision } from '../report/repairDecisions.js';
import { ReportNotFoundError, StewardReportFiles } from '../report/stewardReportFiles.js';
import { errorResponses } from './schemas.js';

const MAX_REPAIRS = 1000;

export const repairDecisionRoutes: FastifyPluginAsync = async (fastify) => {
  const files = new StewardReportFiles(fastify.dataDir);
  const decisions = RepairDecisionStore.of(fastify.dataDir);
  fastify.addHook('onClose', async () => files.close());

  fastify.post<{ Params: { period: string }; Body: { decision: 'accept' | 'reject'; reason: string; repair_ids: string[] } }>('/v1/reports/:period/id-resolutions/decisions', {
    config: apiRoute('id-repairs', 'decide-many', ['steward'], 'change'),
    schema: {
      summary: 'Accept or reject several ID repairs with one reason (stewards); each recorded, the request audited; effective when the period is governed again', tags: ['reports'],
      params: { type: 'object', required: ['period'], properties: { period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } } },
      body: {
        type: 'object', required: ['decision', 'reason', 'repair_ids'], additionalProperties: false,
        properties: {
          decision: { enum: ['accept', 'reject'] }, reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
          repair_ids: { type: 'array', minItems: 1, maxItems: MAX_REPAIRS, uniqueItems: true, items: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
        },
      },
      response: {
        200: {
          type: 'object', required: ['period', 'decided', 'takes_effect'],
          properties: {
            period: { type: 'string' }, takes_effect: { type: 'string', description: 'When the decisions change the registers: the next time the period is governed' },
            decided: { type: 'array', items: { type: 'object', properties: { repair_id: { type: 'string' }, decision: { type: 'string' }, reason: { type: 'string' }, decided_by: { type: 'string' }, decided_at: { type: 'string' } } } },
          },
        },
        ...errorResponses, 409: errorResponses[400],
      },
    },
  }, async (request) => {
    const { period } = request.params;
    const { decision: verdict, repair_ids: ids } = request.body;
    const reason = request.body.reason.trim();
    request.auditNote = { resource: 'id-repairs', action: `${verdict}-many`, subjects: [period, ...ids], reason };
    const client = caller(request);
    const page = await files.page(period, 'id_resolutions', {}, 0, 10_000_000).catch((error: unknown) => {
      if (error instanceof ReportNotFoundError) throw new HttpError(404, 'no_report', error.message);
      throw error;
    });
    const byId = new Map(page.rows.map((row) => [String(row.repair_id), row]));
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) throw new HttpError(404, 'not_found', `no ID resolution ${unknown.join(', ')} in the report of ${period}`);
    const unrepaired = ids.filter((id) => { const s = byId.get(id)!.status; return s !== 'repaired' && s !== 'rejected'; });
    if (unrepaired.length > 0) throw new HttpError(409, 'not_repaired', `ID resolution ${unrepaired.join(', ')} was left unresolved: there is no repair to decide on`);
    // Recorded first: decisions whose audit record cannot be written are not made.
    await recordBeforeCommit(request);
    const at = new Date().toISOString();
    const decided: RepairDecision[] = [];
    for (const id of ids) {
      const repair = byId.get(id)!;
      decided.push(await decisions.record({
        period, repair_id: id, decision: verdict === 'accept' ? 'accepted' : 'rejected', reason, decided_by: client.id, decided_at: at,
        original_id: String(repair.original_id), repaired_id: (repair.repaired_id as string | null) ?? null,
      }));
    }
    return { period, decided, takes_effect: `when ${period} is governed again (its next cycle run)` };
  });
};
