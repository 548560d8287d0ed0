import { CairnError } from '../../../src-shared/errors';
import { NoSpaceError, StorageIoError, StoragePermissionError } from './backend-errors';

/** The errno code of a Node file-system error, if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}

/**
 * Turns a file-system error met while doing `what` under the folder `root` into a typed
 * CairnError a person can act on. CairnErrors pass through unchanged. Not-found is not handled
 * here: its meaning depends on the verb, so callers decide before calling this.
 */
export function toStorageError(err: unknown, what: string, root: string): CairnError {
  if (err instanceof CairnError) return err;
  const code = errnoCode(err);
  switch (code) {
    case 'ENOSPC':
      return new NoSpaceError(root, { cause: err });
    case 'EDQUOT':
      return new NoSpaceError(root, { cause: err, quota: true });
    case 'EACCES':
    case 'EPERM':
      return new StoragePermissionError(what, root, { cause: err });
    case 'EROFS':
      return new StoragePermissionError(what, root, { cause: err, readOnly: true });
    default:
      return new StorageIoError(what, root, code, { cause: err });
  }
}
