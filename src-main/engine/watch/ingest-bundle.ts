/**
 * Ingest of one settled bundle (a top-level folder in bundle mode): the bundle is one artifact,
 * so its files are compared with the cache as a whole. Unchanged files are not re-read; a bundle
 * whose files all have their recorded content publishes nothing; a renamed bundle folder is
 * followed by its listing digest; otherwise the whole folder goes to the publisher as one version.
 */
import fs from 'node:fs/promises';
import { bundleListingDigest, statListingSignature } from './artifact-layout';
import { isGone } from './errors';
import { sameFileStat, sameInodeContent } from './file-stat';
import { hashStable } from './file-reading';
import { scanFolder, type ScannedFile } from './folder-scan';
import { publishArtifact, reportFailure, type IngestContext, type IngestOutcome } from './ingest-context';
import type { PendingDelete } from './pending-deletes';
import type { BundleRecord } from './stat-cache';

interface BundleFile extends ScannedFile {
  sha256: string;
  /** The content differs from what the cache recorded at this path (or it is new). */
  changed: boolean;
}

export async function ingestBundle(ctx: IngestContext, name: string): Promise<IngestOutcome> {
  const folderId = ctx.folder.id;
  const root = ctx.folder.path;
  if (!(await isDirectory(ctx.absolute(name)))) return 'missing';
  const scan = await scanFolder(root, ctx.ignoreRules, name);
  const unreadable = [...scan.unreadableDirs, ...scan.unreadableFiles];
  if (unreadable.length > 0) {
    // A bundle missing some of its files is not the bundle: report and publish nothing.
    for (const { path, error } of unreadable) reportFailure(ctx, path, error);
    return 'done';
  }
  if (scan.files.length === 0) return 'missing'; // an empty folder is no artifact
  ctx.pendingDeletes.cancel(name);

  const maxFileSize = ctx.folder.maxFileSize;
  const tooLarge = maxFileSize === undefined ? undefined : scan.files.find((file) => file.stat.size > maxFileSize);
  if (tooLarge) {
    ctx.emit({ type: 'skipped', folderId, path: name, reason: 'too-large', detail: `${tooLarge.path} has ${tooLarge.stat.size} bytes, the folder's limit is ${maxFileSize}` });
    return 'done';
  }

  const files = await digestFiles(ctx, name, scan.files);
  if (files === 'changed' || files === 'missing') return files;
  // The whole folder must be as it was before reading it, or it is still being written.
  const after = await scanFolder(root, ctx.ignoreRules, name);
  if (statListingSignature(after.files) !== statListingSignature(scan.files)) return 'changed';

  const listingDigest = bundleListingDigest(files.map((file) => ({ path: innerPath(name, file.path), sha256: file.sha256, size: file.stat.size })));
  const recorded = ctx.cache.getBundle(name);
  const present = new Set(files.map((file) => file.path));
  const removed = ctx.cache.filesUnder(name).filter((path) => !present.has(path));
  const remember = (record: BundleRecord) => {
    for (const path of removed) ctx.cache.deleteFile(path);
    for (const file of files) ctx.cache.setFile(file.path, { ...file.stat, sha256: file.sha256, versionId: null });
    ctx.cache.setBundle(name, record);
  };

  if (recorded?.listingDigest === listingDigest) {
    remember(recorded);
    ctx.emit({ type: 'skipped', folderId, path: name, reason: 'unchanged' });
    return 'done';
  }
  const changed = files.filter((file) => file.changed);
  if (changed.length > 0 && removed.length === 0 && changed.every((file) => ctx.expectations.matches(ctx.absolute(file.path), file.sha256))) {
    const answered = changed.map((file) => ctx.expectations.take(ctx.absolute(file.path), file.sha256));
    const versionId = answered.find((expectation) => expectation?.versionId)?.versionId ?? null;
    remember({ listingDigest, sha256: null, versionId });
    ctx.emit({ type: 'skipped', folderId, path: name, reason: 'written-back' });
    return 'done';
  }
  if (!recorded) {
    const moved = ctx.pendingDeletes.claimByDigest('bundle', listingDigest);
    if (moved && (await followBundleMove(ctx, moved, name, () => remember(ctx.cache.getBundle(moved.key) ?? { listingDigest, sha256: null, versionId: null })))) return 'done';
  }

  const bundleFiles = files.map((file) => innerPath(name, file.path)).sort();
  const published = await publishArtifact(ctx, name, 'bundle', bundleFiles);
  if (published) {
    remember({ listingDigest, sha256: published.sha256, versionId: published.versionId });
    ctx.emit({ type: 'published', folderId, path: name, kind: 'bundle', versionId: published.versionId, sha256: published.sha256 });
  } else {
    remember({ listingDigest, sha256: recorded?.sha256 ?? null, versionId: recorded?.versionId ?? null });
    ctx.emit({ type: 'skipped', folderId, path: name, reason: 'unchanged', detail: 'identical content is already recorded' });
  }
  return 'done';
}

/**
 * Digests of the bundle's files: from the cache when a file's stat is unchanged, from a bundle
 * that just vanished when the file is the same inode there (the folder was renamed), else read.
 */
async function digestFiles(ctx: IngestContext, name: string, scanned: ScannedFile[]): Promise<BundleFile[] | 'changed' | 'missing'> {
  const vanished = ctx.pendingDeletes.list('bundle');
  const files: BundleFile[] = [];
  for (const file of scanned) {
    const cached = ctx.cache.getFile(file.path);
    let sha256: string | undefined;
    if (cached && sameFileStat(cached, file.stat)) sha256 = cached.sha256;
    if (sha256 === undefined) {
      const inner = innerPath(name, file.path);
      for (const candidate of vanished) {
        const before = ctx.cache.getFile(`${candidate.key}/${inner}`);
        if (before && sameInodeContent(before, file.stat)) {
          sha256 = before.sha256;
          break;
        }
      }
    }
    if (sha256 === undefined) {
      const hashed = await hashStable(ctx.absolute(file.path), file.stat);
      if (hashed === 'changed') return 'changed';
      // A file that vanished mid-read changes the bundle: settle again.
      if (hashed === 'missing') return 'changed';
      sha256 = hashed;
    }
    files.push({ ...file, sha256, changed: cached?.sha256 !== sha256 });
  }
  return files;
}

async function followBundleMove(ctx: IngestContext, moved: PendingDelete, to: string, remember: () => void): Promise<boolean> {
  const folderId = ctx.folder.id;
  try {
    await ctx.publisher.rename({ folderId, from: moved.key, to });
  } catch (err) {
    reportFailure(ctx, to, err);
    ctx.pendingDeletes.add(moved);
    return false;
  }
  remember();
  for (const path of ctx.cache.filesUnder(moved.key)) ctx.cache.deleteFile(path);
  ctx.cache.deleteBundle(moved.key);
  ctx.emit({ type: 'renamed', folderId, from: moved.key, to });
  return true;
}

function innerPath(bundle: string, path: string): string {
  return path.slice(bundle.length + 1);
}

async function isDirectory(absolute: string): Promise<boolean> {
  try {
    return (await fs.lstat(absolute)).isDirectory();
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}
