/**
 * A folder's content as a sorted sha256 listing: equal listings mean equal trees (same paths,
 * same bytes). Used to prove the dataset is deterministic and that a restore is exact.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { listFiles } from './file-walk';

const readBlockBytes = 4 * 1024 * 1024;

export interface DigestEntry {
  readonly relative: string;
  readonly size: number;
  readonly sha256: string;
}

/** sha256 of one file, read in large blocks into one reused buffer (fast, flat memory). */
export async function sha256File(file: string, buffer = Buffer.allocUnsafe(readBlockBytes)): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export async function digestTree(root: string): Promise<DigestEntry[]> {
  const buffer = Buffer.allocUnsafe(readBlockBytes);
  const out: DigestEntry[] = [];
  for (const file of await listFiles(root)) out.push({ relative: file.relative, size: file.size, sha256: await sha256File(file.absolute, buffer) });
  return out;
}

/** The listing as `sha256sum`-style text, one `<sha256>  <path>` line per file. */
export function formatDigest(entries: readonly DigestEntry[]): string {
  return entries.map((entry) => `${entry.sha256}  ${entry.relative}\n`).join('');
}

/** A short description of how two listings differ, or null when they are equal. */
export function compareDigests(expected: readonly DigestEntry[], actual: readonly DigestEntry[]): string | null {
  const byPath = new Map(actual.map((entry) => [entry.relative, entry]));
  const problems: string[] = [];
  for (const entry of expected) {
    const other = byPath.get(entry.relative);
    if (!other) problems.push(`missing ${entry.relative}`);
    else if (other.sha256 !== entry.sha256) problems.push(`content differs: ${entry.relative}`);
    byPath.delete(entry.relative);
  }
  for (const extra of byPath.keys()) problems.push(`unexpected ${extra}`);
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 5).join('; ');
  return problems.length > 5 ? `${shown}; and ${problems.length - 5} more` : shown;
}
