/**
 * Lineage of the published registers for a period: every published field down to the models,
 * canonical tables, department datasets and this period's files it came from (and, asked from
 * any node, what it comes from and what it feeds). Read from the declared pipeline SQL, the
 * manifests and the period's steward report (its files); for stewards, analysts and auditors.
 */
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { loadConnectors } from '../connectors/manifest.js';
import { governGraph } from '../govern/governGraph.js';
import { rolePlayers } from '../govern/roles.js';
import { loadCanonicalSchemas } from '../schemas/canonicalSchemas.js';
import { around, lineageGraph, readModels } from '../console/lineage.js';
import { PIPELINES_DIR } from '../paths.js';
import { HttpError } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { ReportNotFoundError, StewardReportFiles } from '../report/stewardReportFiles.js';
import { errorResponses } from './schemas.js';

const nodeSchema = {
  type: 'object', required: ['id', 'kind', 'label'],
  properties: { id: { type: 'string' }, kind: { enum: ['field', 'model', 'table', 'dataset', 'file'] }, label: { type: 'string' }, rows: { type: 'integer' }, connector: { type: 'string' } },
} as const;

export const lineageRoutes: FastifyPluginAsync = async (fastify) => {
  const files = new StewardReportFiles(fastify.dataDir);
  fastify.addHook('onClose', async () => files.close());
  const marts = readModels(join(PIPELINES_DIR, 'marts'));
  const models = readModels(join(PIPELINES_DIR, 'intermediate'));
  const tables = new Map<string, string[]>();
  const inputs = new Map<string, readonly string[]>();
  try {
    const connectors = loadConnectors();
    for (const c of connectors) tables.set(c.schema.table, [...(tables.get(c.schema.table) ?? []), c.id]);
    // The models between the SQL files and the raw tables (staging, generated) come from the
    // govern graph, with the inputs each declares: the same graph govern runs.
    for (const model of governGraph([...loadCanonicalSchemas().values()], rolePlayers(connectors))) {
      if (model.layer === 'mart') continue;
      inputs.set(model.name, model.inputs);
      if (!models.has(model.name)) models.set(model.name, model.sql);
    }
  } catch {
    // Without the project's manifests the graph stops at the canonical tables.
  }

  fastify.get<{ Params: { period: string }; Querystring: { node?: string } }>('/v1/lineage/:period', {
    config: apiRoute('reports', 'lineage', ['steward', 'analyst', 'auditor'], 'read'),
    schema: {
      summary: 'Lineage of the published fields: models, canonical tables, datasets and the period\'s files; with node=, only what that node comes from and feeds', tags: ['reports'],
      params: { type: 'object', required: ['period'], properties: { period: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { node: { type: 'string', maxLength: 300 }, purpose: { type: 'string' } } },
      response: {
        200: { type: 'object', required: ['period', 'nodes', 'edges'], properties: { period: { type: 'string' }, nodes: { type: 'array', items: nodeSchema }, edges: { type: 'array', items: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } } } } },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const { period } = request.params;
    request.auditNote = { resource: 'reports', action: 'lineage', subjects: [period] };
    const summary = await files.summary(period).catch((error: unknown) => {
      if (error instanceof ReportNotFoundError) throw new HttpError(404, 'no_report', error.message);
      throw error;
    });
    const periodFiles = new Map(summary.departments.map((d) => [d.connector, d.files.map((f) => ({ file: f.file, rows_read: f.rows_read }))]));
    const graph = lineageGraph({ marts, models, inputs, tables, files: periodFiles });
    const node = request.query.node;
    if (node !== undefined && !graph.nodes.some((n) => n.id === node)) throw new HttpError(404, 'not_found', `no lineage node ${node}`);
    return { period, ...(node === undefined ? graph : around(graph, node)) };
  });
};
