/**
 * Which crash point is tried in which scenario. `ci: true` marks the reduced set that runs with
 * every `npm test`; `npm run test:crash` runs them all. `hit` picks the N-th time the point is
 * reached (the durable write of a pack is the first in `add`, its index segment the second, …).
 */
import type { CrashPointName } from '../../../src-main/engine/crash/crash-points';
import type { ScenarioName } from './crash-scenarios';

export interface CrashCase {
  scenario: ScenarioName;
  point: CrashPointName;
  hit?: number;
  ci?: boolean;
}

export const crashCases: CrashCase[] = [
  // Storing a new version: pack, index segment, manifest update, each through a durable write.
  { scenario: 'add', point: 'lock.after-acquire' },
  { scenario: 'add', point: 'durable-write.temp-created' },
  { scenario: 'add', point: 'durable-write.temp-written', ci: true },
  { scenario: 'add', point: 'durable-write.before-publish' },
  { scenario: 'add', point: 'durable-write.after-publish' },
  { scenario: 'add', point: 'durable-write.temp-written', hit: 2 },
  { scenario: 'add', point: 'durable-write.before-publish', hit: 3 },
  { scenario: 'add', point: 'pack-writer.before-pack-put' },
  { scenario: 'add', point: 'pack-writer.after-pack-put', ci: true },
  { scenario: 'add', point: 'repository.before-index-segment' },
  { scenario: 'add', point: 'repository.after-index-segment' },
  { scenario: 'add', point: 'manifest.before-update-put', ci: true },
  { scenario: 'add', point: 'manifest.after-update-put' },
  { scenario: 'lock-takeover', point: 'lock.takeover.after-move-aside' },
  // Garbage collection: repack, index rewrite, pack deletion.
  { scenario: 'gc', point: 'gc.after-repack-flush' },
  { scenario: 'gc', point: 'repository.rewrite-index.after-new-segments', ci: true },
  { scenario: 'gc', point: 'repository.rewrite-index.after-old-segment-delete', hit: 3 },
  { scenario: 'gc', point: 'gc.after-index-rewrite' },
  { scenario: 'gc', point: 'gc.after-pack-delete', ci: true },
  // Manifest compaction.
  { scenario: 'compaction', point: 'manifest.compact.before-snapshot-put' },
  { scenario: 'compaction', point: 'manifest.compact.after-snapshot-put' },
  { scenario: 'compaction', point: 'manifest.compact.after-covered-delete', hit: 2, ci: true },
  // Backup to a second folder: mid-copy, between ranks, mid-object, recording the job.
  { scenario: 'backup', point: 'backup.after-object-copied', hit: 3, ci: true },
  { scenario: 'backup', point: 'backup.between-ranks', hit: 2 },
  { scenario: 'backup', point: 'backup.between-ranks', hit: 3 },
  { scenario: 'backup', point: 'durable-write.temp-written', hit: 4 },
  { scenario: 'backup', point: 'manifest.before-update-put' },
  // Restore into a folder.
  { scenario: 'restore', point: 'restore.before-rename', ci: true },
  // Repository creation.
  { scenario: 'init', point: 'repository.init.after-keys', ci: true },
  { scenario: 'init', point: 'durable-write.before-publish' },
];

export function caseLabel(c: CrashCase): string {
  return `${c.scenario}: ${c.point}${c.hit ? `:${c.hit}` : ''}`;
}
