import { close, fstat, open, read, type Stats } from 'node:fs';

/** Promise wrappers over the callback fs API: no FileHandle objects, which cost per call. */
export function openForReading(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
}

export function statDescriptor(fd: number): Promise<Stats> {
  return new Promise((resolve, reject) => fstat(fd, (err, stats) => (err ? reject(err) : resolve(stats))));
}

export function closeDescriptor(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

/**
 * Reads up to `length` bytes at `position` into `buffer[offset..]`, continuing after short
 * reads; returns fewer only at end of file.
 */
export async function readFully(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let total = 0;
  while (total < length) {
    const got = await new Promise<number>((resolve, reject) =>
      read(fd, buffer, offset + total, length - total, position + total, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))),
    );
    if (got === 0) break;
    total += got;
  }
  return total;
}

/** Whether a file is still the one that was opened: same size and modification time. */
export function sameVersion(before: Stats, after: Stats): boolean {
  return before.size === after.size && before.mtimeMs === after.mtimeMs;
}
