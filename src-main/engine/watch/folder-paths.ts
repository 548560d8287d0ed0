import path from 'node:path';
import { toPosixRelative } from './ignore';

/**
 * `absolute` relative to `root`, '/'-separated: '' for the root itself, null for a path outside
 * it. Called for every entry chokidar scans, hence the string fast path before path.relative.
 */
export function relativeTo(root: string, absolute: string): string | null {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  if (absolute.startsWith(prefix) && !absolute.includes(`${path.sep}..`) && !absolute.includes(`${path.sep}.${path.sep}`)) {
    return toPosixRelative(absolute.slice(prefix.length));
  }
  const relative = path.relative(root, absolute);
  if (relative === '') return '';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return null;
  return toPosixRelative(relative);
}

/** The absolute path of a '/'-separated path relative to `root`. */
export function absoluteIn(root: string, relative: string): string {
  return relative === '' ? root : path.join(root, ...relative.split('/'));
}
