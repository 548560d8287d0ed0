import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../src-shared/errors';

/**
 * Finds the built renderer: beside the built host (`out/renderer` next to `out/main`), or the
 * project's `out/renderer` when running from source, or `CAIRN_RENDERER_DIR`.
 */
export function findRendererDir(explicit?: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    explicit,
    process.env.CAIRN_RENDERER_DIR,
    path.resolve(here, '../renderer'),
    path.resolve(here, '../../out/renderer'),
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
  for (const candidate of candidates) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  throw new CairnError('NOT_FOUND', `The built user interface was not found (looked in ${candidates.join(', ')}).`, {
    hint: 'Run `npm run build` first, or pass --renderer-dir.',
  });
}
