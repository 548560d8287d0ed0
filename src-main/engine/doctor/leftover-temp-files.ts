import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { reservedLocalSegment, temporaryNamePrefix } from '../backends/backend';
import { finding, type DoctorFinding } from './findings';

/**
 * Temporary files of writes a crash interrupted (`.tmp-*` beside the objects of a folder
 * repository). They are never listed as objects, so they harm nothing but disk space; younger
 * ones may belong to a write in progress and are left out.
 */
export async function findLeftoverTempFiles(repositoryPath: string, options: { olderThanMs?: number; now?: number } = {}): Promise<{ files: string[]; bytes: number }> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 60 * 60 * 1000);
  const files: string[] = [];
  let bytes = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(depth === 0 && entry.name === reservedLocalSegment)) await walk(full, depth + 1);
      } else if (entry.isFile() && entry.name.startsWith(temporaryNamePrefix)) {
        const stat = await fs.stat(full).catch(() => null);
        if (stat && stat.mtimeMs < cutoff) {
          files.push(full);
          bytes += stat.size;
        }
      }
    }
  };
  await walk(path.resolve(repositoryPath), 0);
  return { files: files.sort(), bytes };
}

export async function checkLeftoverTempFiles(repositoryPath: string, options: { olderThanMs?: number; now?: number } = {}): Promise<DoctorFinding> {
  const { files, bytes } = await findLeftoverTempFiles(repositoryPath, options);
  if (files.length === 0) return finding('leftovers', 'ok', 'No temporary files left by interrupted writes.');
  const shown = files.slice(0, 3).join(', ');
  return finding(
    'leftovers',
    'warning',
    `${files.length} temporary file(s) (${bytes} bytes) were left by writes a crash interrupted: ${shown}${files.length > 3 ? ', …' : ''}. They are not part of the repository.`,
    'They are safe to delete while no Cairn process runs.',
  );
}
