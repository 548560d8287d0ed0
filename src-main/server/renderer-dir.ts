import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../src-shared/errors';

const hasIndex = (dir: string) => fs.existsSync(path.join(dir, 'index.html'));

/**
 * Finds the built renderer. A folder named on purpose (`--renderer-dir`, else
 * `CAIRN_RENDERER_DIR`) is used or refused, never silently swapped for another; otherwise the
 * one beside the built host (`out/renderer` next to `out/main`), or the project's
 * `out/renderer` when running from source.
 */
export function findRendererDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAIRN_RENDERER_DIR?.trim();
  const chosen = explicit !== undefined ? { dir: explicit, by: '--renderer-dir' } : fromEnv ? { dir: fromEnv, by: 'CAIRN_RENDERER_DIR' } : null;
  if (chosen) {
    const dir = path.resolve(chosen.dir);
    if (hasIndex(dir)) return dir;
    throw new CairnError('NOT_FOUND', `The built user interface was not found in ${dir} (given by ${chosen.by}; it has no index.html).`, {
      hint: 'Name the folder `npm run build` writes (out/renderer), or leave it out to use the one beside this program.',
    });
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../out/renderer')];
  const found = candidates.find(hasIndex);
  if (found) return found;
  throw new CairnError('NOT_FOUND', `The built user interface was not found (looked in ${candidates.join(', ')}).`, {
    hint: 'Run `npm run build` first, or pass --renderer-dir.',
  });
}
