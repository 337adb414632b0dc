/** The catalogue of shared resources. */
import type { FastifyPluginAsync } from 'fastify';
import { loadCatalog } from '../share/catalog.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses } from './schemas.js';

export const catalogRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/v1/catalog', {
    config: apiRoute('catalog', 'read', ['department', 'steward', 'analyst', 'auditor', 'provider'], 'read'),
    schema: {
      summary: 'Every shared resource: provider, data items, update cycle, sharing type', tags: ['catalog'],
      response: {
        200: {
          type: 'object', required: ['resources'],
          properties: {
            resources: {
              type: 'array',
              items: {
                type: 'object', required: ['id', 'title', 'provider', 'sharing', 'updateCycle', 'fields'],
                properties: {
                  id: { type: 'string' }, title: { type: 'string' }, provider: { type: 'string' }, providerName: { type: 'string' },
                  sharing: { enum: ['unconditional', 'conditional', 'not_shared'] }, legalBasis: { type: 'string' }, updateCycle: { type: 'string' },
                  fields: { type: 'array', items: { type: 'object', required: ['name', 'description', 'maskable'], properties: { name: { type: 'string' }, description: { type: 'string' }, maskable: { type: 'boolean' } } } },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => {
    return {
      resources: loadCatalog().map((r) => ({
        id: r.id, title: r.title, provider: r.provider, providerName: r.providerName, sharing: r.sharing,
        ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}), updateCycle: r.updateCycle,
        fields: r.fields.map((f) => ({ name: f.name, description: f.description, maskable: Boolean(f.mask) })),
      })),
    };
  });
};
