import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CairnError } from '../../../src-shared/errors';

/**
 * Paths of a tree that differ only by letter case (`README.md`, `Readme.md`) are two files on
 * Linux but one on the default disks of macOS and Windows, where restoring both would silently
 * leave one of them. Restore refuses there and names them.
 */
export function caseCollisions(paths: Iterable<string>): Array<[string, string]> {
  const seen = new Map<string, string>();
  const collisions: Array<[string, string]> = [];
  for (const entryPath of paths) {
    const folded = entryPath.normalize('NFC').toLowerCase();
    const first = seen.get(folded);
    if (first === undefined) seen.set(folded, entryPath);
    else collisions.push([first, entryPath]);
  }
  return collisions;
}

/** Whether `folder` (which must exist) is on a disk that ignores letter case in names. */
export async function isCaseInsensitiveFolder(folder: string): Promise<boolean> {
  const probe = path.join(folder, `.cairn-case-probe-${crypto.randomBytes(6).toString('hex')}`);
  await fs.writeFile(probe, '', { flag: 'wx' });
  try {
    return await fs
      .stat(path.join(folder, path.basename(probe).toUpperCase()))
      .then(() => true)
      .catch(() => false);
  } finally {
    await fs.rm(probe, { force: true });
  }
}

export class CaseCollisionError extends CairnError {
  constructor(target: string, collisions: Array<[string, string]>) {
    const shown = collisions
      .slice(0, 5)
      .map(([a, b]) => `"${a}" and "${b}"`)
      .join(', ');
    super('CONFLICT', `${target} ignores letter case, and this version has ${collisions.length} pair(s) of paths that differ only by case (${shown}${collisions.length > 5 ? ', …' : ''}); nothing was restored.`, {
      hint: 'Restore onto a case-sensitive disk, or restore the paths one at a time with --path into different folders.',
      details: { collisions: collisions.slice(0, 100) },
    });
    this.name = 'CaseCollisionError';
  }
}
