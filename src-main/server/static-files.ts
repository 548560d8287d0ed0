import fs from 'node:fs/promises';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Resolves a URL path inside `root` and reads it. Returns null for anything that would leave
 * the root (`..`, encoded separators, NUL) or does not exist; unknown paths fall back to
 * index.html so client-side routes work.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, relative);
  if (target !== resolvedRoot && !target.startsWith(resolvedRoot + path.sep)) return null;
  const file = (await tryRead(target, resolvedRoot)) ?? (path.extname(relative) === '' ? await tryRead(path.join(resolvedRoot, 'index.html'), resolvedRoot) : null);
  if (!file) return null;
  return { body: file.body, contentType: contentTypes[path.extname(file.path)] ?? 'application/octet-stream' };
}

async function tryRead(file: string, root: string): Promise<{ body: Buffer; path: string } | null> {
  try {
    // A symbolic link inside the root must not lead out of it: compare real paths.
    const [real, realRoot] = await Promise.all([fs.realpath(file), fs.realpath(root)]);
    if (!real.startsWith(realRoot + path.sep)) return null;
    // Only regular files: a directory (or anything else) under the root is not a page.
    const stat = await fs.stat(real);
    if (!stat.isFile()) return null;
    return { body: await fs.readFile(real), path: file };
  } catch {
    return null;
  }
}
