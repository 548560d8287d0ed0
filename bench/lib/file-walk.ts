/**
 * Walking a folder the same way everywhere in the benchmarks: regular files only, paths relative
 * to the root with '/' separators, sorted, so listings compare across runs and machines.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface FileEntry {
  /** Relative to the walked root, '/'-separated. */
  readonly relative: string;
  readonly absolute: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export async function listFiles(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  async function visit(dir: string, prefix: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await visit(absolute, relative);
      else if (entry.isFile()) {
        const stat = await fs.lstat(absolute);
        out.push({ relative, absolute, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  }
  await visit(root, '');
  return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/** Sum of the sizes of every regular file under `root` (0 when it does not exist). */
export async function folderBytes(root: string): Promise<number> {
  try {
    const files = await listFiles(root);
    return files.reduce((sum, file) => sum + file.size, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}
