/**
 * How paths inside a watched folder map to artifacts. Without bundles every file is its own
 * artifact. With bundles each top-level subfolder is one artifact (a model folder: weights,
 * config, tokenizer change together) and top-level files stay single-file artifacts.
 */
import { createHash } from 'node:crypto';
import type { FileStat } from './file-stat';

/** The artifact a file (relative, '/'-separated) belongs to: itself, or its top-level folder. */
export function artifactKeyOf(relativePath: string, bundles: boolean): string {
  if (!bundles) return relativePath;
  const slash = relativePath.indexOf('/');
  return slash === -1 ? relativePath : relativePath.slice(0, slash);
}

/** Whether a path is inside a bundle (below a top-level folder) in bundle mode. */
export function isInsideBundle(relativePath: string, bundles: boolean): boolean {
  return bundles && relativePath.includes('/');
}

/**
 * The watcher's identity for a bundle's content: SHA-256 over its files' paths (relative to the
 * bundle), digests and sizes, sorted. Equal listings mean equal content, wherever the folder
 * now lives, so a renamed bundle folder is followed without asking the publisher.
 */
export function bundleListingDigest(entries: readonly { path: string; sha256: string; size: number }[]): string {
  const lines = entries.map((entry) => `${entry.path}\u0000${entry.sha256}\u0000${entry.size}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}

/** A cheap signature of a folder's files for the stability check (stats only, no content). */
export function statListingSignature(entries: readonly { path: string; stat: FileStat }[]): string {
  const lines = entries.map(({ path, stat }) => `${path}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000${stat.ino}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}
