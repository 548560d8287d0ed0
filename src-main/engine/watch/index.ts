/**
 * Folder watching: auto-publishing from watched folders. The lead wires `WatchService` to the
 * catalogue (a `WatchPublisher`) and to the contract; everything else here is internal.
 */
export { WatchService, type WatchServiceOptions, type WatchedFolderStatus } from './watch-service';
export { FolderWatcher, defaultWatchTiming, type FolderStartResult, type FolderWatcherOptions, type FolderWatcherState, type WatchTiming } from './folder-watcher';
export type { WatchPublisher, PublishRequest, PublishedVersion, ArtifactKind, PublishMode } from './publisher';
export type { WatchEvent, WatchEventType, WatchEventSink, SkipReason, ReconcileReport } from './events';
export {
  newWatchedFolderSchema,
  watchedFolderPatchSchema,
  watchedFolderSchema,
  typeRuleSchema,
  type NewWatchedFolder,
  type WatchedFolder,
  type WatchedFolderPatch,
  type TypeRule,
} from './config';
export { defaultIgnorePatterns, cairnIgnoreFileName } from './ignore';
export { blockingErrorCodes } from './ingest-context';
export {
  FolderAlreadyWatchedError,
  UnknownWatchedFolderError,
  WatchConfigCorruptError,
  WatchedFileUnreadableError,
  WatchedFoldersOverlapError,
  WatchedPathNotAFolderError,
  WatchedPathNotFoundError,
} from './errors';
