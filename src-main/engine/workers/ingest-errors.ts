import { CairnError } from '../../../src-shared/errors';
import type { SerializedError } from './worker-protocol';

/** The file changed (size, mtime or length) while it was read; its bytes are not one version. */
export class FileChangedError extends CairnError {
  constructor(path: string) {
    super('CONFLICT', `The file "${path}" changed while it was being read.`, {
      hint: 'Something is still writing it; ingest it again once it has settled.',
      details: { path },
    });
    this.name = 'FileChangedError';
  }
}

export class FileNotFoundError extends CairnError {
  constructor(path: string) {
    super('NOT_FOUND', `The file "${path}" was not found.`, {
      hint: 'It may have been moved or deleted since it was listed; check the path.',
      details: { path },
    });
    this.name = 'FileNotFoundError';
  }
}

export class FilePermissionError extends CairnError {
  constructor(path: string) {
    super('PERMISSION_DENIED', `The file "${path}" cannot be read: permission denied.`, {
      hint: 'Give the user running Cairn read access to it, or exclude it from the watched folder.',
      details: { path },
    });
    this.name = 'FilePermissionError';
  }
}

export class NotAFileError extends CairnError {
  constructor(path: string) {
    super('INVALID_INPUT', `"${path}" is not a regular file.`, {
      hint: 'Only regular files are ingested one by one; add a folder as a bundle instead.',
      details: { path },
    });
    this.name = 'NotAFileError';
  }
}

export class FileReadError extends CairnError {
  constructor(path: string, reason: string) {
    super('IO', `The file "${path}" could not be read: ${reason}.`, {
      hint: 'Check the disk and the file system; the read can be retried.',
      details: { path, reason },
    });
    this.name = 'FileReadError';
  }
}

export class IngestCancelledError extends CairnError {
  constructor(path: string) {
    super('CANCELLED', `Ingesting "${path}" was cancelled.`, { details: { path } });
    this.name = 'IngestCancelledError';
  }
}

/** Maps a Node fs error on `path` to the typed error a caller can act on. */
export function fileErrorFromFs(path: string, err: unknown): CairnError {
  if (err instanceof CairnError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileNotFoundError(path);
  if (code === 'EACCES' || code === 'EPERM') return new FilePermissionError(path);
  if (code === 'EISDIR') return new NotAFileError(path);
  return new FileReadError(path, err instanceof Error ? err.message : String(err));
}

/** Rebuilds the typed ingest errors a worker sent; undefined for any other error. */
export function reviveIngestError(error: SerializedError): Error | undefined {
  const path = (error.details as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return undefined;
  switch (error.name) {
    case 'FileChangedError':
      return new FileChangedError(path);
    case 'FileNotFoundError':
      return new FileNotFoundError(path);
    case 'FilePermissionError':
      return new FilePermissionError(path);
    case 'NotAFileError':
      return new NotAFileError(path);
    case 'FileReadError':
      return new FileReadError(path, String((error.details as { reason?: unknown }).reason ?? 'unknown error'));
    case 'IngestCancelledError':
      return new IngestCancelledError(path);
    default:
      return undefined;
  }
}
