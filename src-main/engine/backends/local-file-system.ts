import * as fsp from 'node:fs/promises';

/**
 * The file-system calls LocalBackend makes, as one replaceable object. Production uses Node's
 * own; tests substitute single calls to inject errors (ENOSPC, EACCES) that are hard to cause
 * for real, especially as root.
 */
export type LocalFileSystem = Pick<typeof fsp, 'open' | 'mkdir' | 'link' | 'rename' | 'unlink' | 'readdir' | 'stat' | 'lstat'>;

export const nodeFileSystem: LocalFileSystem = fsp;
