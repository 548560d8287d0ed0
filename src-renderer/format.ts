/** How numbers, sizes and times are shown to people, in one place. */
import { formatBytes } from '../src-shared/catalogue/units';

export { formatBytes };

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/** "3 minutes ago", "yesterday"; exact times go in a title or <time dateTime>. */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return dateTime.format(ms);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** The first 12 hex digits: enough to tell versions apart and to search with. */
export function shortDigest(sha256: string): string {
  return sha256.slice(0, 12);
}

export const statusLabels = {
  draft: 'Draft',
  on_verification: 'On verification',
  published: 'Published',
  blocked: 'Blocked',
  archived: 'Archived',
  none: 'No live version',
} as const;
