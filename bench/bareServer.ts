/** The baseline: a bare Fastify route returning a constant, on the same machine and load tool. */
import Fastify from 'fastify';

const server = Fastify({ logger: false });
server.get('/bare', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true }));
await server.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.stdout.write('listening\n');
