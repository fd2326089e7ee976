import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { errorBody } from './errors.js';

// Built next to the compiled server (dist/http → dist/dashboard); from the TypeScript sources (tests) it is
// the same dist/dashboard one level further up.
const DASHBOARD =
  [new URL('../dashboard/', import.meta.url), new URL('../../dist/dashboard/', import.meta.url)].find((url) =>
    existsSync(fileURLToPath(url)),
  ) ?? new URL('../dashboard/', import.meta.url);
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};
const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|svg|woff2)$/;

/**
 * The dashboard's built files (dist/dashboard). Public on purpose: the page holds no data and asks for the
 * token itself. Names are matched against a strict pattern, so no path can leave the folder.
 */
export function dashboardRoutes(app: Hono<any>): void {
  const send = async (relative: string, type: string) => {
    try {
      const body = await readFile(new URL(relative, DASHBOARD));
      return new Response(body, {
        headers: {
          'Content-Type': type,
          'Cache-Control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return Response.json(errorBody('NOT_FOUND', 'Dashboard not built: run `npm run build`'), { status: 404 });
    }
  };
  app.get('/', () => send('index.html', TYPES['.html']!));
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    if (!ASSET_NAME.test(name)) return c.json(errorBody('NOT_FOUND', 'No such asset'), 404);
    return send(`assets/${name}`, TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream');
  });
}
