/**
 * The submission calendar: per department dataset and period, when its file was due (the
 * manifests' `due`, as the cycle recorded it for the period, else as the manifests say now),
 * when the warehouse loaded it (its batch record), and so whether it came on time, late, is
 * missing, or is not due yet. From the newest steward report (its 12 periods of batches) and the
 * cycle records; a department administrator sees its own departments only.
 */
import type { FastifyPluginAsync } from 'fastify';
import { loadConnectors } from '../connectors/manifest.js';
import { dueDateOf, readCycleStatus } from '../cycle/cycleStatus.js';
import { caller, HttpError } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { StewardReportFiles } from '../report/stewardReportFiles.js';
import { errorResponses } from './schemas.js';

export type DeliveryStatus = 'on_time' | 'late' | 'missing' | 'awaited';

export interface Delivery {
  period: string;
  due: string | null;
  received: string | null;
  rows: number | null;
  status: DeliveryStatus;
}

/** One delivery's standing: received by the end of its due day, after it, or not received (yet). */
export function deliveryStatus(due: string | null, received: string | null, today: string): DeliveryStatus {
  if (received) return due && received.slice(0, 10) > due ? 'late' : 'on_time';
  return due && today > due ? 'missing' : 'awaited';
}

const deliverySchema = {
  type: 'object', required: ['period', 'due', 'received', 'status'],
  properties: { period: { type: 'string' }, due: { type: ['string', 'null'] }, received: { type: ['string', 'null'] }, rows: { type: ['integer', 'null'] }, status: { enum: ['on_time', 'late', 'missing', 'awaited'] } },
} as const;

/** The project's manifests; none when this server runs without them (the cycle's records still say). */
function manifestsOrNone(): ReturnType<typeof loadConnectors> {
  try {
    return loadConnectors();
  } catch {
    return [];
  }
}

export const deliveryRoutes: FastifyPluginAsync = async (fastify) => {
  const files = new StewardReportFiles(fastify.dataDir);
  fastify.addHook('onClose', async () => files.close());
  // The manifests' due days as they stand, for periods the cycle left no record of.
  const dueDays = new Map(manifestsOrNone().map((c) => [c.id, c.dueDay]));

  fastify.get('/v1/deliveries', {
    config: apiRoute('reports', 'deliveries', ['steward', 'analyst', 'auditor', 'provider'], 'read'),
    schema: {
      summary: 'The submission calendar: per department dataset and period, due, received, and on time, late, missing or awaited', tags: ['reports'],
      response: {
        200: {
          type: 'object', required: ['periods', 'datasets'],
          properties: {
            periods: { type: 'array', items: { type: 'string' } },
            datasets: { type: 'array', items: { type: 'object', required: ['connector', 'department', 'deliveries'], properties: { connector: { type: 'string' }, department: { type: 'string' }, deliveries: { type: 'array', items: deliverySchema } } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    request.auditNote = { resource: 'reports', action: 'deliveries' };
    const client = caller(request);
    const own = client.roles.some((r) => r === 'steward' || r === 'analyst' || r === 'auditor') ? null : client.department;
    const newest = files.periods()[0];
    if (!newest) throw new HttpError(404, 'no_report', 'no steward report yet: the cycle exports one after check, govern and publish');
    const summary = await files.summary(newest);
    const periods = [...new Set(summary.trend.map((p) => p.period))].sort();
    const connectors = [...new Set([...summary.departments.map((d) => d.connector), ...summary.trend.map((p) => p.connector)])]
      .filter((c) => own === null || c.split('/')[0] === own).sort();
    const dueByPeriod = new Map(periods.map((period) => {
      const run = readCycleStatus(fastify.dataDir, period)?.run;
      return [period, new Map((run?.connectors ?? []).map((c) => [c.id, c.dueDate ?? null]))] as const;
    }));
    const today = new Date().toISOString().slice(0, 10);
    const datasets = connectors.map((connector) => ({
      connector, department: connector.split('/')[0]!,
      deliveries: periods.map((period): Delivery => {
        const batch = summary.trend.find((p) => p.period === period && p.connector === connector);
        const due = dueByPeriod.get(period)?.get(connector) ?? dueDateOf(period, dueDays.get(connector)) ?? null;
        const received = batch?.loaded_at ?? null;
        return { period, due, received, rows: batch?.rows_read ?? null, status: deliveryStatus(due, received, today) };
      }),
    }));
    return { periods, datasets };
  });
};
