/**
 * What the watcher reports while it works: one typed union, delivered through a callback. The
 * lead forwards these to the engine's event bus (activity feed, progress); tests assert on them.
 */
import type { ErrorCode } from '../../../src-shared/errors';
import type { ArtifactKind } from './publisher';

export type SkipReason =
  /** Matched a default, collection or .cairnignore rule. */
  | 'ignored'
  /** Larger than the folder's maxFileSize. */
  | 'too-large'
  /** Stat or content equal to what was last recorded: nothing to version. */
  | 'unchanged'
  /** The engine wrote this content back itself (rollback) and said so with suppressNext. */
  | 'written-back'
  /** A symlink, socket, FIFO or device: Cairn versions regular files and folders. */
  | 'not-a-regular-file';

export interface ReconcileReport {
  /** Files found on disk (not ignored). */
  scanned: number;
  /** Artifacts whose stat matched the cache: nothing read, nothing published. */
  unchanged: number;
  /** Artifacts new or changed since the cache: scheduled (they still settle before ingest). */
  scheduled: number;
  /** Artifacts in the cache but gone from disk: held for the rename window, then tombstoned. */
  missing: number;
  /** Cache entries that the ignore rules now exclude: forgotten, not tombstoned. */
  nowIgnored: number;
  durationMs: number;
}

export type WatchEvent =
  | { type: 'ready'; folderId: string; readyMs: number }
  | { type: 'reconciled'; folderId: string; report: ReconcileReport }
  | { type: 'queued'; folderId: string; path: string }
  | { type: 'ingesting'; folderId: string; path: string; kind: ArtifactKind; bytesDone?: number; bytesTotal?: number }
  | { type: 'published'; folderId: string; path: string; kind: ArtifactKind; versionId: string; sha256: string }
  | { type: 'skipped'; folderId: string; path: string; reason: SkipReason; detail?: string }
  /** The file kept changing for longer than the limit; the watcher keeps waiting for it to settle. */
  | { type: 'unsettled'; folderId: string; path: string; waitedMs: number }
  /** The publisher refused for a reason a person must resolve (lifecycle, conflict, quota). */
  | { type: 'blocked'; folderId: string; path: string; code: ErrorCode; message: string; hint?: string }
  | { type: 'error'; folderId: string; path?: string; code: ErrorCode; message: string; hint?: string }
  | { type: 'renamed'; folderId: string; from: string; to: string }
  | { type: 'deleted'; folderId: string; path: string }
  | { type: 'folder-missing'; folderId: string; folderPath: string }
  | { type: 'folder-back'; folderId: string; folderPath: string }
  | { type: 'paused'; folderId: string }
  | { type: 'resumed'; folderId: string };

export type WatchEventType = WatchEvent['type'];
export type WatchEventSink = (event: WatchEvent) => void;
