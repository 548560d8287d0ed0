/**
 * Which paths inside a watched folder are never versioned: gitignore syntax (the `ignore`
 * package, exact gitignore semantics), from three sources applied in order so a later one can
 * override an earlier one with `!pattern`:
 *   1. Cairn's defaults (OS litter, editor swap and lock files, VCS folders, our own temp files);
 *   2. the collection's extra rules (they live in the manifest, so they apply on every device);
 *   3. the folder's own `.cairnignore` (watched and reloaded when it changes, never versioned).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { errnoCode } from './errors';

export const cairnIgnoreFileName = '.cairnignore';

export const defaultIgnorePatterns: readonly string[] = [
  // Operating-system litter.
  '.DS_Store',
  'Thumbs.db',
  // Office lock files and generic temporaries.
  '~$*',
  '*.tmp',
  // Version-control internals change on every commit and are not artifacts.
  '.git/',
  // Editor swap/backup/lock files; 4913 is the probe file vim writes to test a folder.
  '*.swp',
  '*.swo',
  '*~',
  '.#*',
  '4913',
  // Cairn's own writes in progress: restores and write-backs (".name.cairn-<hex>") and
  // repository temp files (".tmp-<hex>"). They are renamed into place when complete.
  '.*.cairn-*',
  '.tmp-*',
];

export class IgnoreRules {
  private readonly matcher: Ignore;
  /** Equal fingerprints mean equal rules: a reload that changes nothing restarts nothing. */
  readonly fingerprint: string;

  constructor(sources: { extraRules?: readonly string[]; folderRules?: string } = {}) {
    const extra = sources.extraRules ?? [];
    const folder = sources.folderRules ?? '';
    this.matcher = ignore().add([...defaultIgnorePatterns]).add([...extra]).add(folder);
    this.fingerprint = JSON.stringify([extra, folder]);
  }

  /** Rules for `folderPath`, reading its `.cairnignore` if it has one. */
  static async forFolder(folderPath: string, extraRules: readonly string[] = []): Promise<IgnoreRules> {
    return new IgnoreRules({ extraRules, folderRules: await readCairnIgnore(folderPath) });
  }

  /**
   * Whether a path (relative to the watched folder, '/' or OS separators) is ignored. Pass
   * `isDirectory` when known: rules ending in '/' match folders only.
   */
  isIgnored(relativePath: string, isDirectory = false): boolean {
    const posix = toPosixRelative(relativePath);
    if (posix === '' || posix === '.') return false;
    if (isCairnIgnoreFile(posix)) return false;
    return this.matcher.ignores(isDirectory ? `${posix}/` : posix);
  }
}

/** The folder's own `.cairnignore`: watched (its changes reload the rules) but never versioned. */
export function isCairnIgnoreFile(relativePath: string): boolean {
  return toPosixRelative(relativePath) === cairnIgnoreFileName;
}

async function readCairnIgnore(folderPath: string): Promise<string> {
  try {
    return await fs.readFile(path.join(folderPath, cairnIgnoreFileName), 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    // Missing is normal; unreadable is treated as empty so the folder is still watched.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR') return '';
    throw err;
  }
}

export function toPosixRelative(relativePath: string): string {
  const posix = path.sep === '/' ? relativePath : relativePath.split(path.sep).join('/');
  return posix.startsWith('./') ? posix.slice(2) : posix;
}
