/** Who the caller is: the console asks once after login to know which pages to show. */
import type { FastifyPluginAsync } from 'fastify';
import { caller } from '../plugins/exchange.js';
import { apiRoute } from '../plugins/routeGuard.js';
import { errorResponses } from './schemas.js';

export const sessionRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/v1/me', {
    config: apiRoute('session', 'whoami', ['department', 'provider', 'steward', 'analyst', 'auditor'], 'read'),
    schema: {
      summary: 'The calling client: id, name, department and roles (never its key)', tags: ['console'],
      response: {
        200: {
          type: 'object', required: ['id', 'name', 'department', 'roles'],
          properties: { id: { type: 'string' }, name: { type: 'string' }, department: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } },
        },
        ...errorResponses,
      },
    },
  }, async (request) => {
    const client = caller(request);
    return { id: client.id, name: client.name, department: client.department, roles: client.roles };
  });
};
