/**
 * Serving the built React renderer (out/renderer) and the two tiny pages the dashboard shows
 * without it: "open the link printed by beacon" (401) and "renderer not built".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

function page(title: string, body: string): string {
  // No inline script or style: the CSP forbids both, and these pages need neither.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`;
}

export const UNAUTHORIZED_PAGE = page(
  'Beacon dashboard: sign-in link needed',
  '<p>This dashboard only opens through the link printed by <code>beacon endpoint dashboard</code> ' +
    '(or the Beacon menu-bar app). That link carries a secret token that changes every time the dashboard starts.</p>' +
    '<p>Open the printed link again, or restart the dashboard and use the new link.</p>',
);

export const NOT_BUILT_PAGE = page(
  'Beacon dashboard: renderer not built',
  '<p>The dashboard API is running, but the web interface has not been built. Run <code>npm run build</code> and restart the dashboard.</p>' +
    '<p>The API is available under <code>/api/</code> (for example <code>/api/health</code>).</p>',
);

/** True when staticDir holds a built renderer (an index.html). */
export function rendererBuilt(staticDir: string | undefined): staticDir is string {
  return !!staticDir && existsSync(join(staticDir, 'index.html'));
}

export async function registerStatic(app: FastifyInstance, staticDir: string | undefined): Promise<void> {
  if (rendererBuilt(staticDir)) {
    await app.register(fastifyStatic, {
      root: staticDir,
      index: 'index.html',
      wildcard: true,
      dotfiles: 'deny',
      // Our own Cache-Control (no-store) stays; the token-gated UI should not be cached.
      cacheControl: false,
    });
    return;
  }
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
}
