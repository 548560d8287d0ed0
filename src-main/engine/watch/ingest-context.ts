/**
 * What ingesting one settled artifact needs from its folder watcher: the folder's settings and
 * the watcher's bookkeeping. Kept narrow so the file and bundle ingest steps can be read (and
 * tested) on their own.
 */
import { CairnError, type ErrorCode } from '../../../src-shared/errors';
import type { WatchedFolder } from './config';
import { fileError } from './errors';
import type { WatchEvent } from './events';
import type { IgnoreRules } from './ignore';
import type { PendingDeletes } from './pending-deletes';
import type { ArtifactKind, WatchPublisher } from './publisher';
import type { StatCache } from './stat-cache';
import type { TypeRules } from './type-rules';
import type { WriteBackExpectations } from './write-back-expectations';

export interface IngestContext {
  folder: WatchedFolder;
  cache: StatCache;
  pendingDeletes: PendingDeletes;
  expectations: WriteBackExpectations;
  publisher: WatchPublisher;
  typeRules: TypeRules;
  ignoreRules: IgnoreRules;
  emit: (event: WatchEvent) => void;
  /** Absolute path of a path relative to the watched folder. */
  absolute: (relativePath: string) => string;
}

/**
 * What became of an ingest: 'done' (published, renamed, skipped or reported), 'changed' (the
 * content moved under us while reading: settle again), 'missing' (gone: treat as a delete).
 */
export type IngestOutcome = 'done' | 'changed' | 'missing';

/**
 * Publisher refusals a person must resolve (the lifecycle forbids it, a conflicting record, a
 * full quota): reported as `blocked`, not as a failure of the watcher.
 */
export const blockingErrorCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ILLEGAL_TRANSITION', 'CONFLICT', 'QUOTA_EXCEEDED']);

/** Reports a failed publisher call or file read about `path` as `blocked` or `error`. */
export function reportFailure(ctx: IngestContext, path: string, err: unknown): void {
  const folderId = ctx.folder.id;
  if (err instanceof CairnError && blockingErrorCodes.has(err.code)) {
    ctx.emit({ type: 'blocked', folderId, path, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    return;
  }
  const typed = err instanceof CairnError ? err : isFsError(err) ? fileError(ctx.absolute(path), err) : null;
  if (typed) {
    ctx.emit({ type: 'error', folderId, path, code: typed.code, message: typed.message, ...(typed.hint ? { hint: typed.hint } : {}) });
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.emit({ type: 'error', folderId, path, code: 'INTERNAL', message: `Recording ${path} failed: ${message}` });
}

function isFsError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** Calls the publisher for one artifact, forwarding its progress as `ingesting` events. */
export async function publishArtifact(ctx: IngestContext, artifactPath: string, kind: ArtifactKind, bundleFiles?: readonly string[]) {
  const folderId = ctx.folder.id;
  ctx.emit({ type: 'ingesting', folderId, path: artifactPath, kind });
  return ctx.publisher.publish({
    folderId,
    artifactPath,
    absolutePath: ctx.absolute(artifactPath),
    kind,
    type: ctx.typeRules.typeOf(artifactPath, kind),
    mode: ctx.folder.mode,
    ...(bundleFiles ? { bundleFiles } : {}),
    onProgress: (bytesDone, bytesTotal) => ctx.emit({ type: 'ingesting', folderId, path: artifactPath, kind, bytesDone, bytesTotal }),
  });
}
