/**
 * How sync behaves. Hosts use the defaults; tests shrink the periods and inject a clock, so
 * behaviour that depends on time is asserted without waiting.
 */
export interface SyncSettings {
  /** Poll interval right after local changes or remote activity. */
  minIntervalMs: number;
  /** Poll interval when idle (reached by doubling). */
  maxIntervalMs: number;
  /** Covered manifest objects (and superseded snapshots) stay in the bucket at least this long. */
  manifestGraceMs: number;
  /**
   * Deleted versions keep their bytes in the bucket this long (the undo window), and a pack GC
   * proposal waits this long before anything is deleted.
   */
  deletionGraceMs: number;
  /** A device silent for longer is reported and no longer waited for by compaction and GC. */
  offlineAfterMs: number;
  /** This device writes a snapshot after uploading this many of its own updates… */
  compactAfterUpdates: number;
  /** …but not more often than this: a snapshot is the whole catalogue (tens of MB at 100k versions). */
  minCompactionIntervalMs: number;
  /** A batch that removes more than this share of a collection's live artifacts or versions is held. */
  tripwireShare: number;
  /** …and at least this many of them (so deleting 1 of 2 does not ask for approval). */
  tripwireMinRemoved: number;
  /** This device's presence record is rewritten at least this often, so others see it alive. */
  presenceRefreshMs: number;
  /** Objects transferred at once. */
  concurrency: number;
  /** Clock, ms since the epoch. */
  now: () => number;
}

const day = 24 * 60 * 60 * 1000;

export const defaultSyncSettings: SyncSettings = {
  minIntervalMs: 2_000,
  maxIntervalMs: 60_000,
  manifestGraceMs: day,
  deletionGraceMs: 7 * day,
  offlineAfterMs: 30 * day,
  compactAfterUpdates: 100,
  minCompactionIntervalMs: 60 * 60 * 1000,
  tripwireShare: 0.3,
  tripwireMinRemoved: 2,
  presenceRefreshMs: 5 * 60 * 1000,
  concurrency: 8,
  now: () => Date.now(),
};

export function syncSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return { ...defaultSyncSettings, ...overrides };
}
