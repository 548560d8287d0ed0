import fs from 'node:fs/promises';
import path from 'node:path';
import { contentSecurityPolicy } from './security';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * Serves `app://cairn/<path>` from the built renderer folder. Anything that would resolve
 * outside that folder is a 404, whatever the encoding tricks.
 */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== 'cairn') return new Response('Not found', { status: 404 });
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return new Response('Bad request', { status: 400 });
  }
  if (relative.includes('\0') || relative.includes('\\')) return new Response('Not found', { status: 404 });
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rendererDir);
  const target = path.resolve(root, `.${relative}`);
  if (!target.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
  try {
    const body = await fs.readFile(target);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': contentTypes[path.extname(target)] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
