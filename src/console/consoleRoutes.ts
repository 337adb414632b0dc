/**
 * The steward console: static files from console/ served by the API itself, at `/` (the page)
 * and `/console/*` (its modules, styles and images). Nothing comes from another host. The pages
 * run no inline script or style, so they carry a strict Content-Security-Policy of their own.
 * The console calls the same /v1 API as everyone, with the key the user typed; the key stays in
 * the tab's sessionStorage and travels in the Authorization header, never in a URL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PROJECT_ROOT } from '../paths.js';
import { HttpError } from '../plugins/httpErrors.js';

export const CONSOLE_DIR = join(PROJECT_ROOT, 'console');

export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
}

/** Every file under the console folder, by its path with forward slashes; read once at start. */
export function loadAssets(dir = CONSOLE_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (TYPES[extname(name)]) assets.set(relative(dir, path).split(sep).join('/'), { type: TYPES[extname(name)]!, body: readFileSync(path) });
    }
  };
  walk(dir);
  return assets;
}

function send(reply: FastifyReply, asset: Asset): FastifyReply {
  return reply
    .header('content-type', asset.type)
    .header('content-security-policy', CONSOLE_CSP)
    .header('cache-control', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .send(asset.body);
}

export const consoleRoutes: FastifyPluginAsync<{ dir?: string }> = async (fastify, options) => {
  const assets = loadAssets(options.dir);
  const page = assets.get('index.html');
  if (!page) throw new Error(`the console's index.html is missing from ${options.dir ?? CONSOLE_DIR}`);

  fastify.get('/', { schema: { summary: 'The steward console (HTML)', tags: ['console'], security: [] } }, async (_request, reply) => send(reply, page));

  fastify.get<{ Params: { '*': string } }>('/console/*', {
    schema: { summary: 'The console\'s modules, styles and images', tags: ['console'], security: [], params: { type: 'object', properties: { '*': { type: 'string', maxLength: 200 } } } },
  }, async (request, reply) => {
    // Only names from the map are served: no path is ever joined from the request.
    const asset = assets.get(request.params['*']);
    if (!asset) throw new HttpError(404, 'not_found', 'no such file in the console');
    return send(reply, asset);
  });
};
