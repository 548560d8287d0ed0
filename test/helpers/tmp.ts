/**
 * Temporary folders for tests. Each test gets its own folder under the OS temp dir and removes
 * it when done; nothing is shared between tests or left behind on success.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  /** Absolute, real path (symlinks such as macOS's /var -> /private/var resolved). */
  readonly path: string;
  /** A path inside the folder. */
  join(...parts: string[]): string;
  /** Writes a file inside the folder, creating parent folders; returns its absolute path. */
  write(relative: string, content: string | Uint8Array): Promise<string>;
  /** Deletes the folder and everything in it (safe to call twice). */
  remove(): Promise<void>;
}

export async function makeTempDir(label = 'test'): Promise<TempDir> {
  const created = await fs.mkdtemp(path.join(os.tmpdir(), `cairn-${label}-`));
  const root = await fs.realpath(created);
  const join = (...parts: string[]) => path.join(root, ...parts);
  return {
    path: root,
    join,
    async write(relative, content) {
      const file = join(relative);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
      return file;
    },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}
