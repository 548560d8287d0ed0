/**
 * Reconcile on start (and after a pause or an unplugged drive comes back): what changed on disk
 * while nobody was watching, decided from stats alone. A pure function of the scan and the stat
 * cache, so a restart with nothing changed reads no file and publishes nothing.
 */
import { artifactKeyOf } from './artifact-layout';
import { sameFileStat } from './file-stat';
import type { FolderScan } from './folder-scan';
import type { StatCache } from './stat-cache';

export interface ReconcilePlan {
  /** Artifacts whose every file matched the cache. */
  unchanged: number;
  /** Artifact keys that are new or changed: to settle and ingest. */
  changed: string[];
  /** Artifact keys the cache knows but the disk no longer has: held for renames, then tombstoned. */
  missing: string[];
  /** Cache entries now excluded by the ignore rules: to forget (the person chose to ignore them, not delete them). */
  nowIgnored: { files: string[]; bundles: string[] };
}

export interface ReconcileOptions {
  bundles: boolean;
  isIgnored: (relativePath: string, isDirectory: boolean) => boolean;
}

export function planReconcile(scan: FolderScan, cache: StatCache, options: ReconcileOptions): ReconcilePlan {
  const plan: ReconcilePlan = { unchanged: 0, changed: [], missing: [], nowIgnored: { files: [], bundles: [] } };
  const unreadable = scan.unreadableDirs.map((dir) => dir.path);
  const underUnreadable = (file: string) => unreadable.some((dir) => dir === '' || file === dir || file.startsWith(`${dir}/`));
  const unreadableFiles = new Set(scan.unreadableFiles.map((file) => file.path));

  // Per artifact: does it have a file that is new or changed, and how many files does it have now.
  const changedKeys = new Set<string>();
  const scannedPerKey = new Map<string, number>();
  const bundleKeys = new Set<string>();
  for (const file of scan.files) {
    const key = artifactKeyOf(file.path, options.bundles);
    if (key !== file.path) bundleKeys.add(key);
    scannedPerKey.set(key, (scannedPerKey.get(key) ?? 0) + 1);
    const cached = cache.getFile(file.path);
    if (!cached || !sameFileStat(cached, file.stat)) changedKeys.add(key);
  }

  // What the cache knows that the scan did not see.
  const seen = new Set(scan.files.map((file) => file.path));
  const missingKeys = new Set<string>();
  for (const file of cache.filePaths()) {
    if (seen.has(file)) continue;
    const key = artifactKeyOf(file, options.bundles);
    if (options.isIgnored(file, false)) {
      plan.nowIgnored.files.push(file);
      continue;
    }
    if (unreadableFiles.has(file) || underUnreadable(file)) continue; // unknown, not gone
    if (scannedPerKey.has(key)) changedKeys.add(key); // a bundle lost a file
    else missingKeys.add(key);
  }
  for (const name of cache.bundleNames()) {
    if (scannedPerKey.has(name)) continue;
    if (options.isIgnored(name, true)) plan.nowIgnored.bundles.push(name);
    else if (!underUnreadable(name)) missingKeys.add(name);
  }

  for (const key of scannedPerKey.keys()) {
    // A bundle whose files are all cached but that has no record of its own: record it now.
    const neverRecorded = bundleKeys.has(key) && !cache.getBundle(key);
    if (changedKeys.has(key) || neverRecorded) plan.changed.push(key);
    else plan.unchanged++;
  }
  plan.missing = [...missingKeys];
  return plan;
}
