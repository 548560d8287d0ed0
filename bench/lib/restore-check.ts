/**
 * Checks that a restore reproduced the source exactly. Tools place restored files differently
 * (restic recreates the absolute source path under the target; others may use the target
 * itself or its basename), so the check first finds where the source's files landed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { compareDigests, digestTree, type DigestEntry } from './tree-digest';

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((stat) => stat.isFile(), () => false);
}

/** The folder under `target` that corresponds to `source`, or null when none is found. */
export async function locateRestoredRoot(target: string, source: string, expected: readonly DigestEntry[]): Promise<string | null> {
  const probe = expected[0];
  if (!probe) return target;
  const candidates = [target, path.join(target, path.basename(source)), path.join(target, path.resolve(source))];
  for (const candidate of candidates) if (await isFile(path.join(candidate, probe.relative))) return candidate;
  return null;
}

/** null when the restored tree equals the source listing, else what differs. */
export async function checkRestore(target: string, source: string, expected: readonly DigestEntry[]): Promise<string | null> {
  const root = await locateRestoredRoot(target, source, expected);
  if (root === null) return `restored files not found under ${target} (looked in it, in ./${path.basename(source)} and in .${path.resolve(source)})`;
  const problem = compareDigests(expected, await digestTree(root));
  return problem === null ? null : `restored bytes differ from the source: ${problem}`;
}
