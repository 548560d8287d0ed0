import { CairnError } from '../../../src-shared/errors';

export class SourceNotFoundError extends CairnError {
  constructor(path: string) {
    super('NOT_FOUND', `${path} does not exist.`, { hint: 'Check the path; it is resolved from the current folder.' });
    this.name = 'SourceNotFoundError';
  }
}

export class SourceUnreadableError extends CairnError {
  constructor(path: string, why: string) {
    super('PERMISSION_DENIED', `Cannot read ${path}: ${why}.`, {
      hint: 'Fix its permissions (or run as a user who can read it), or leave it out of what you snapshot.',
    });
    this.name = 'SourceUnreadableError';
  }
}

export class SourceLoopError extends CairnError {
  constructor(path: string) {
    super('INVALID_INPUT', `${path} is a symbolic link that points to itself (a loop).`, {
      hint: 'Fix or remove the link; Cairn stores symlinks as links and never follows loops.',
    });
    this.name = 'SourceLoopError';
  }
}

export class FileKeptChangingError extends CairnError {
  constructor(path: string, attempts: number) {
    super('CONFLICT', `${path} kept changing while it was being read (${attempts} attempts).`, {
      hint: 'Wait until whatever is writing it has finished, then snapshot again.',
    });
    this.name = 'FileKeptChangingError';
  }
}

export class UnsupportedFileTypeError extends CairnError {
  constructor(path: string, kind: string) {
    super('INVALID_INPUT', `${path} is a ${kind}, which Cairn does not store.`, { hint: 'Snapshot regular files, folders and symlinks.' });
    this.name = 'UnsupportedFileTypeError';
  }
}
