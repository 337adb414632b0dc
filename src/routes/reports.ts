/**
 * Steward reports over HTTP, read from the files the cycle exports (DIR/reports/): the periods,
 * a period's quality and reconciliation summary with trends, the rows behind it (paged), the
 * cycle's steps, and the steward's decisions on ID repairs. Stewards, analysts and auditors see
 * every department; a department administrator (provider) sees its own department's rows.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Client } from '../share/accessStore.js';
import { caller, HttpError, recordBeforeCommit } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { RepairDecisionStore, type RepairDecision } from '../report/repairDecisions.js';
import { ReportNotFoundError, REPORT_TABLES, StewardReportFiles, type ReportTable } from '../report/stewardReportFiles.js';
import type { StewardSummary } from '../report/stewardReport.js';
import { readCycleStatus } from '../cycle/cycleStatus.js';
import { errorResponses } from './schemas.js';

const periodParams = { type: 'object', required: ['period'], properties: { period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

/** Who may read reports, and whether they are held to their own department. */
const READERS = ['steward', 'analyst', 'auditor', 'provider'] as const;

function reader(request: FastifyRequest): { client: Client; department: string | null } {
  const client = caller(request);
  const seesAll = client.roles.some((r) => r === 'steward' || r === 'analyst' || r === 'auditor');
  return { client, department: seesAll ? null : client.department };
}

function ownDepartment(summary: StewardSummary, department: string | null): StewardSummary {
  if (department === null) return summary;
  const mine = (connector: string) => connector.split('/')[0] === department;
  return {
    ...summary,
    blocking: summary.blocking.filter((b) => mine(b.split(':')[0] ?? '')),
    departments: summary.departments.filter((d) => mine(d.connector)),
    trend: summary.trend.filter((t) => mine(t.connector)),
    reconciliation: null,
  };
}

function notFound(error: unknown): never {
  if (error instanceof ReportNotFoundError) throw new HttpError(404, 'no_report', error.message);
  throw error;
}

const TABLE_PATHS: Record<ReportTable, string> = {
  quarantine: 'quarantine', failures: 'failures', conflicts: 'conflicts', id_resolutions: 'id-resolutions', orphans: 'orphans',
};

const decisionSchema = {
  type: 'object',
  required: ['period', 'repair_id', 'decision', 'reason', 'decided_by', 'decided_at'],
  properties: {
    period: { type: 'string' }, repair_id: { type: 'string' }, decision: { enum: ['accepted', 'rejected'] }, reason: { type: 'string' },
    decided_by: { type: 'string' }, decided_at: { type: 'string' }, original_id: { type: 'string' }, repaired_id: { type: ['string', 'null'] },
  },
} as const;

export const reportRoutes: FastifyPluginAsync = async (fastify) => {
  const files = new StewardReportFiles(fastify.dataDir);
  const decisions = RepairDecisionStore.of(fastify.dataDir);
  fastify.addHook('onClose', async () => files.close());

  fastify.get('/v1/reports', {
    config: apiRoute('reports', 'list', READERS, 'read'),
    schema: {
      summary: 'Periods with a steward report, newest first', tags: ['reports'],
      response: {
        200: {
          type: 'object', required: ['periods'],
          properties: { periods: { type: 'array', items: { type: 'object', properties: { period: { type: 'string' }, publishable: { type: 'boolean' }, published: { type: 'boolean' }, override_reason: { type: ['string', 'null'] }, exported_at: { type: 'string' } } } } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'reports', action: 'list' };
    reader(request);
    const periods = [];
    for (const period of files.periods()) {
      const summary = await files.summary(period);
      periods.push({ period, publishable: summary.publishable, published: summary.publication !== null, override_reason: summary.publication?.override_reason ?? null, exported_at: summary.exported_at });
    }
    return { periods };
  });

  fastify.get<{ Params: { period: string } }>('/v1/reports/:period', {
    config: apiRoute('reports', 'summary', READERS, 'read'),
    schema: {
      summary: 'A period\'s quality per department (received, loaded, quarantined, rule verdicts), trends over the last periods, publication and reconciliation counts', tags: ['reports'],
      params: periodParams,
      response: {
        200: {
          type: 'object', required: ['period', 'publishable', 'blocking', 'departments', 'trend'],
          properties: {
            period: { type: 'string' }, exported_at: { type: 'string' }, publishable: { type: 'boolean' }, blocking: { type: 'array', items: { type: 'string' } },
            publication: { anyOf: [{ type: 'null' }, anyObject] }, totals: anyObject,
            departments: { type: 'array', items: anyObject }, trend: { type: 'array', items: anyObject },
            reconciliation: { anyOf: [{ type: 'null' }, anyObject] },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'reports', action: 'summary', subjects: [request.params.period] };
    const { department } = reader(request);
    return ownDepartment(await files.summary(request.params.period).catch(notFound), department);
  });

  fastify.get<{ Params: { period: string } }>('/v1/reports/:period/cycle', {
    config: apiRoute('reports', 'cycle', READERS, 'read'),
    schema: {
      summary: 'The period\'s latest cycle run: each step (state, timing, attempts, errors) and the departments still awaited against their due dates', tags: ['reports'],
      params: periodParams,
      response: {
        200: {
          type: 'object', required: ['period', 'run', 'steps', 'awaited'],
          properties: { period: { type: 'string' }, run: { anyOf: [{ type: 'null' }, anyObject] }, steps: { type: 'array', items: anyObject }, awaited: { type: 'array', items: anyObject } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'reports', action: 'cycle', subjects: [request.params.period] };
    reader(request);
    const status = readCycleStatus(fastify.dataDir, request.params.period);
    return { period: request.params.period, run: status?.run ?? null, steps: status?.steps ?? [], awaited: status?.awaited ?? [] };
  });

  for (const table of Object.keys(REPORT_TABLES) as ReportTable[]) {
    const filters = REPORT_TABLES[table] as readonly string[];
    fastify.get<{ Params: { period: string }; Querystring: Record<string, string> & { offset?: number; limit?: number } }>(`/v1/reports/:period/${TABLE_PATHS[table]}`, {
      config: apiRoute('reports', table, READERS, 'read'),
      schema: {
        summary: `A page of the period's ${table.replace('_', ' ')}, filtered by exact values`, tags: ['reports'],
        params: periodParams,
        querystring: {
          type: 'object', additionalProperties: false,
          properties: {
            offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
            ...Object.fromEntries(filters.map((f) => [f, { type: 'string', maxLength: 500 }])),
          },
        },
        response: {
          200: { type: 'object', required: ['total', 'offset', 'limit', 'rows'], properties: { total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, rows: { type: 'array', items: anyObject } } },
          ...errorResponses,
        },
      },
    }, async (request) => {
      request.auditNote = { resource: 'reports', action: table, subjects: [request.params.period] };
      const { department } = reader(request);
      if (department !== null && table === 'conflicts') throw new HttpError(403, 'forbidden', 'conflicts span departments: stewards, analysts and auditors see them');
      const { offset = 0, limit = 100, ...given } = request.query;
      if (department !== null && given.department !== undefined && given.department !== department) {
        throw new HttpError(403, 'forbidden', `a department administrator of ${department} sees ${department}'s rows only`);
      }
      const page = await files.page(request.params.period, table, department === null ? given : { ...given, department }, offset, limit).catch(notFound);
      if (table !== 'id_resolutions') return page;
      const standing = decisions.latest(request.params.period);
      return { ...page, rows: page.rows.map((row) => ({ ...row, decision: standing.get(String(row.repair_id)) ?? null })) };
    });
  }

  fastify.post<{ Params: { period: string; repairId: string }; Body: { decision: 'accept' | 'reject'; reason: string } }>('/v1/reports/:period/id-resolutions/:repairId/decision', {
    config: apiRoute('id-repairs', 'decide', ['steward'], 'change'),
    schema: {
      summary: 'Accept or reject an ID repair, with the reason (stewards); recorded and audited', tags: ['reports'],
      params: { type: 'object', required: ['period', 'repairId'], properties: { ...periodParams.properties, repairId: { type: 'string', pattern: '^[0-9a-f]{16}$' } } },
      body: { type: 'object', required: ['decision', 'reason'], additionalProperties: false, properties: { decision: { enum: ['accept', 'reject'] }, reason: { type: 'string', minLength: 1, maxLength: 2000 } } },
      response: { 200: decisionSchema, ...errorResponses, 409: errorResponses[400] },
    },
  }, async (request) => {
    const { period, repairId } = request.params;
    request.auditNote = { resource: 'id-repairs', action: request.body.decision, subjects: [period, repairId], reason: request.body.reason };
    const client = caller(request);
    const page = await files.page(period, 'id_resolutions', { repair_id: repairId }, 0, 1).catch(notFound);
    const repair = page.rows[0];
    if (!repair) throw new HttpError(404, 'not_found', `no ID resolution ${repairId} in the report of ${period}`);
    if (repair.status !== 'repaired' && repair.status !== 'rejected') throw new HttpError(409, 'not_repaired', `ID resolution ${repairId} was left unresolved: there is no repair to decide on`);
    const decision: RepairDecision = {
      period, repair_id: repairId, decision: request.body.decision === 'accept' ? 'accepted' : 'rejected', reason: request.body.reason.trim(),
      decided_by: client.id, decided_at: new Date().toISOString(), original_id: String(repair.original_id), repaired_id: (repair.repaired_id as string | null) ?? null,
    };
    if (!decision.reason) throw new HttpError(400, 'invalid_request', 'a decision gives its reason');
    request.auditNote.subjects = [period, repairId, decision.original_id, ...(decision.repaired_id ? [decision.repaired_id] : [])];
    // Recorded first: a decision whose audit record cannot be written is not kept.
    await recordBeforeCommit(request);
    return decisions.record(decision);
  });
};
