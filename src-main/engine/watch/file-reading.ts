/**
 * Reading a watched file safely while it may change or vanish under us: a stat that tells "gone"
 * apart from "not a regular file", and a digest that is trusted only if the file's stat is the
 * same after reading it as before.
 */
import fs from 'node:fs/promises';
import { hashFile } from '../hashing/file-hasher';
import { isGone } from './errors';
import { fileStatOf, sameFileStat, type FileStat } from './file-stat';

export async function statIfFile(absolute: string): Promise<FileStat | 'missing' | 'not-a-file'> {
  try {
    const stats = await fs.lstat(absolute);
    return stats.isFile() ? fileStatOf(stats) : 'not-a-file';
  } catch (err) {
    if (isGone(err)) return 'missing';
    throw err;
  }
}

/** SHA-256 of the file, provided its stat is still `expected` afterwards (else it changed while read). */
export async function hashStable(absolute: string, expected: FileStat): Promise<string | 'changed' | 'missing'> {
  let sha256: string;
  try {
    sha256 = (await hashFile(absolute)).sha256;
  } catch (err) {
    if (isGone(err)) return 'missing';
    throw err;
  }
  const after = await statIfFile(absolute);
  if (after === 'missing' || after === 'not-a-file') return 'missing';
  return sameFileStat(after, expected) ? sha256 : 'changed';
}
