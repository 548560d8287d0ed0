import pLimit from 'p-limit';
import type { Backend } from '../backends/backend';
import { parseManifestKey, updateKey } from '../manifest/object-keys';
import { SeqRanges } from '../manifest/seq-ranges';
import type { CompactReport, ManifestStore } from '../manifest/store';
import { advanceThrough } from './manifest-objects';
import type { SyncStateFile } from './sync-state';

/**
 * Compaction in a shared bucket (DESIGN.md 5). A device writes a snapshot of everything it has
 * applied (the manifest store's compaction) and uploads it like any of its objects; concurrent
 * compactions by two devices are just two snapshots. Each device deletes only its own objects
 * from the bucket, and only once:
 *
 * - an own snapshot that has been in the bucket for the grace period covers them (a reader that
 *   listed them a moment ago can still read them), and
 * - every device that is not offline too long has read past them (its presence cursor), so no
 *   device misses an update; one that is offline too long catches up from the snapshot.
 *
 * Older own snapshots go once a newer one has been there for the grace period: the newer one
 * covers everything they cover. The number of manifest objects in the bucket is so bounded by
 * the updates each device wrote since its last settled snapshot (or that a lagging device has
 * not read yet), plus one or two snapshots per device. Compaction itself is rationed
 * (settings.ts): a snapshot is the whole catalogue.
 */
export async function compactOwnManifest(store: ManifestStore, state: SyncStateFile, selfId: string): Promise<CompactReport> {
  const uploaded = state.data.uploadedSeq;
  const report = await store.compact({
    // Locally, every covered object can go (the snapshot holds it), except own updates the
    // bucket does not have yet: they are uploaded one by one, so readers never see a hole.
    deletePolicy: (candidate) => {
      if (candidate.kind === 'snapshot' || candidate.deviceId !== selfId) return true;
      const parsed = parseManifestKey(candidate.key);
      return parsed?.kind === 'update' && parsed.seq <= uploaded;
    },
  });
  state.data.updatesSinceSnapshot = 0;
  return report;
}

export interface BucketCleanupDeps {
  bucket: Backend;
  state: SyncStateFile;
  selfId: string;
  graceMs: number;
  now: number;
  concurrency: number;
}

/**
 * Deletes own manifest objects the bucket no longer needs. `barrier` is the lowest cursor on
 * this device among the devices waited for (Infinity when there are none). Returns how many
 * objects were deleted.
 */
export async function cleanOwnBucketObjects(deps: BucketCleanupDeps, barrier: number): Promise<number> {
  const { state, bucket, selfId } = deps;
  // The newest own snapshot that has been in the bucket for the grace period (a newer one may
  // still be in a reader's listing-to-read window; a device that compacts often must still
  // clean up, so it is not "the newest" that decides).
  const settled = state.data.snapshots.filter((snapshot) => deps.now - snapshot.uploadedAt >= deps.graceMs).at(-1);
  if (!settled) return 0;
  let deleted = 0;
  const coveredThrough = advanceThrough(0, SeqRanges.from(settled.covers[selfId] ?? []));
  const through = Math.min(coveredThrough, barrier, state.data.uploadedSeq);
  const from = state.data.bucketDeletedThrough + 1;
  if (through >= from) {
    const limit = pLimit(deps.concurrency);
    const seqs = Array.from({ length: through - from + 1 }, (_, i) => from + i);
    await Promise.all(seqs.map((seq) => limit(() => bucket.delete(updateKey(selfId, seq)))));
    deleted += seqs.length;
    state.data.bucketDeletedThrough = through;
  }
  // Snapshots older than the settled one: it covers everything they cover.
  const settledAt = state.data.snapshots.indexOf(settled);
  for (const old of state.data.snapshots.slice(0, settledAt)) {
    await bucket.delete(old.key);
    deleted += 1;
  }
  state.data.snapshots = state.data.snapshots.slice(settledAt);
  return deleted;
}
