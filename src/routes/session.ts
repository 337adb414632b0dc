/** Who the caller is: the console asks once after login to know which pages to show. */
import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../plugins/exchange.js';
import { errorResponses } from './schemas.js';

export const sessionRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/v1/me', {
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
    request.auditNote = { resource: 'session', action: 'whoami' };
    const client = requireRole(request, 'department', 'provider', 'steward', 'analyst', 'auditor');
    return { id: client.id, name: client.name, department: client.department, roles: client.roles };
  });
};
