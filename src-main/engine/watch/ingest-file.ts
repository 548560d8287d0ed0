/**
 * Ingest of one settled single-file artifact: decide, from the stat cache, the rename window and
 * announced write-backs, whether the file is unchanged, moved, written back by the engine, or
 * new content to publish, and keep the cache in step with what was recorded.
 */
import { sameFileStat, type FileStat } from './file-stat';
import { hashStable, statIfFile } from './file-reading';
import { publishArtifact, reportFailure, type IngestContext, type IngestOutcome } from './ingest-context';
import type { PendingDelete } from './pending-deletes';

export async function ingestFile(ctx: IngestContext, path: string): Promise<IngestOutcome> {
  const folderId = ctx.folder.id;
  const absolute = ctx.absolute(path);
  const current = await statIfFile(absolute);
  const cached = ctx.cache.getFile(path);
  if (current === 'missing') return 'missing';
  if (current === 'not-a-file') {
    if (cached) return 'missing'; // replaced by a folder or a link: the file as such is gone
    ctx.emit({ type: 'skipped', folderId, path, reason: 'not-a-regular-file' });
    return 'done';
  }
  // It is here: whatever vanished under this name came back (an atomic save, a write-back).
  ctx.pendingDeletes.cancel(path);

  const maxFileSize = ctx.folder.maxFileSize;
  if (maxFileSize !== undefined && current.size > maxFileSize) {
    ctx.emit({ type: 'skipped', folderId, path, reason: 'too-large', detail: `${current.size} bytes, the folder's limit is ${maxFileSize}` });
    return 'done';
  }
  if (cached && sameFileStat(cached, current)) {
    ctx.emit({ type: 'skipped', folderId, path, reason: 'unchanged' });
    return 'done';
  }
  if (!cached) {
    // Same inode, size and mtime as a file that just vanished: it was moved. No need to read it.
    const moved = ctx.pendingDeletes.claimByInode(current);
    if (moved && (await followMove(ctx, moved, path, current, moved.digest))) return 'done';
  }

  // Reading the file first costs a second read of it, so it is done only when the digest can
  // save a publish: a known file (touched, not changed?), an announced write-back, or a possible
  // move. A file that is simply new goes straight to the publisher, which reports its digest.
  let sha256: string | undefined;
  if (cached || ctx.expectations.has(absolute) || ctx.pendingDeletes.hasFileOfSize(current.size)) {
    const hashed = await hashStable(absolute, current);
    if (hashed === 'changed' || hashed === 'missing') return hashed;
    sha256 = hashed;
    if (cached && sha256 === cached.sha256) {
      ctx.expectations.take(absolute, sha256);
      ctx.cache.setFile(path, { ...current, sha256, versionId: cached.versionId });
      ctx.emit({ type: 'skipped', folderId, path, reason: 'unchanged', detail: 'same content, new stat' });
      return 'done';
    }
    const expected = ctx.expectations.take(absolute, sha256);
    if (expected) {
      ctx.cache.setFile(path, { ...current, sha256, versionId: expected.versionId ?? cached?.versionId ?? null });
      ctx.emit({ type: 'skipped', folderId, path, reason: 'written-back' });
      return 'done';
    }
    if (!cached) {
      const moved = ctx.pendingDeletes.claimByDigest('file', sha256);
      if (moved && (await followMove(ctx, moved, path, current, sha256))) return 'done';
    }
  }

  const published = await publishArtifact(ctx, path, 'file');
  if (published) {
    ctx.cache.setFile(path, { ...current, sha256: published.sha256, versionId: published.versionId });
    ctx.emit({ type: 'published', folderId, path, kind: 'file', versionId: published.versionId, sha256: published.sha256 });
    return 'done';
  }
  // Identical content already recorded. Remember its digest (needed to follow a later move).
  if (sha256 === undefined) {
    const hashed = await hashStable(absolute, current);
    if (hashed === 'changed' || hashed === 'missing') return hashed;
    sha256 = hashed;
  }
  ctx.cache.setFile(path, { ...current, sha256, versionId: cached?.versionId ?? null });
  ctx.emit({ type: 'skipped', folderId, path, reason: 'unchanged', detail: 'identical content is already recorded' });
  return 'done';
}

/**
 * Records a move: the publisher renames the artifact, the cache entry follows the file. If the
 * publisher refuses, the vanished file goes back to waiting (it will be tombstoned) and the new
 * one is published as new content; returns false then.
 */
async function followMove(ctx: IngestContext, moved: PendingDelete, to: string, current: FileStat, sha256: string): Promise<boolean> {
  const folderId = ctx.folder.id;
  const previous = ctx.cache.getFile(moved.key);
  try {
    await ctx.publisher.rename({ folderId, from: moved.key, to });
  } catch (err) {
    reportFailure(ctx, to, err);
    ctx.pendingDeletes.add(moved);
    return false;
  }
  ctx.cache.deleteFile(moved.key);
  ctx.cache.setFile(to, { ...current, sha256, versionId: previous?.versionId ?? null });
  ctx.emit({ type: 'renamed', folderId, from: moved.key, to });
  return true;
}
