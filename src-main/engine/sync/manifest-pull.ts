import pLimit from 'p-limit';
import type * as Y from 'yjs';
import { ObjectNotFoundError, type Backend } from '../backends/backend';
import type { CatalogueIndex } from '../catalogue/catalogue-index';
import type { Logger } from '../logger';
import { ManifestObjectRefusedError } from '../manifest/errors';
import { parseManifestKey, snapshotPrefix, updateKey } from '../manifest/object-keys';
import { SeqRanges } from '../manifest/seq-ranges';
import type { ManifestStore } from '../manifest/store';
import { manifestPrefixOf } from './bucket-layout';
import { advanceThrough, openManifestObject, type ManifestCodec } from './manifest-objects';
import type { ChangeSet, PendingStore } from './pending-store';
import type { QuarantineEntry, SyncStateFile } from './sync-state';
import { measureRemovals, trippedBy, type TripwireSettings } from './tripwire';

export interface PullDeps {
  store: ManifestStore;
  doc: Y.Doc;
  index: CatalogueIndex;
  bucket: Backend;
  codec: ManifestCodec;
  state: SyncStateFile;
  pending: PendingStore;
  selfId: string;
  tripwire: TripwireSettings;
  concurrency: number;
  now: () => number;
  log?: Logger;
}

export interface PullReport {
  objects: number;
  bytes: number;
  applied: number;
  snapshotsApplied: number;
  held: ChangeSet[];
  refused: QuarantineEntry[];
}

interface Listed {
  key: string;
  seq: number;
}

interface Fetched {
  key: string;
  bytes: Buffer;
  update: Uint8Array;
}

/** Objects applied (or held) together: one tripwire measurement each. */
const batchSize = 500;

/**
 * Reads what other devices wrote to the manifest since this device last looked, and applies it:
 *
 * 1. For every other device, list `manifest/<id>/` after the stored cursor (a poll lists only
 *    new keys).
 * 2. A hole (objects below the first listed one that were never read: compaction deleted them
 *    while this device was away) or a first sync is filled from snapshots, newest first.
 * 3. The new objects of each device are fetched, authenticated (a bad one is refused, recorded
 *    and skipped; the rest goes on), measured against the tripwire, then applied in order, or
 *    held as a pending change set when they would remove too much of a collection.
 *
 * While a change set of a device is pending, nothing more is read from that device: its later
 * objects could not be integrated without the held ones anyway (Yjs applies one writer's changes
 * in order).
 */
export class ManifestPuller {
  private readonly report: PullReport = { objects: 0, bytes: 0, applied: 0, snapshotsApplied: 0, held: [], refused: [] };
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly listed = new Map<string, Listed[]>();
  private heldWriters = new Set<string>();

  constructor(private readonly deps: PullDeps) {
    this.limit = pLimit(deps.concurrency);
  }

  /** `announced`: each device's own last uploaded seq, from its presence record. */
  async pull(devices: readonly string[], announced: ReadonlyMap<string, number>): Promise<PullReport> {
    this.heldWriters = new Set((await this.deps.pending.list()).map((set) => set.writer));
    const readable = devices.filter((device) => device !== this.deps.selfId && !this.heldWriters.has(device));
    for (const device of readable) this.listed.set(device, await this.listAfterCursor(device));
    const firstSync = Object.keys(this.deps.state.data.cursors).length === 0;
    if (firstSync || this.gaps(readable, announced).length > 0) await this.applySnapshots(readable, announced, firstSync);
    for (const device of readable) {
      if (this.heldWriters.has(device)) continue;
      await this.pullDevice(device);
    }
    return this.report;
  }

  private cursor(device: string): number {
    return this.deps.state.data.cursors[device] ?? 0;
  }

  private async listAfterCursor(device: string): Promise<Listed[]> {
    const cursor = this.cursor(device);
    const entries: Listed[] = [];
    for await (const info of this.deps.bucket.list(manifestPrefixOf(device), cursor >= 1 ? { startAfter: updateKey(device, cursor) } : {})) {
      const parsed = parseManifestKey(info.key);
      if (parsed?.kind === 'update' && parsed.deviceId === device) entries.push({ key: info.key, seq: parsed.seq });
    }
    return entries;
  }

  /** Devices whose next objects are missing from the bucket (compacted away before this device read them). */
  private gaps(devices: readonly string[], announced: ReadonlyMap<string, number>): string[] {
    return devices.filter((device) => {
      if (this.heldWriters.has(device)) return false;
      const cursor = this.cursor(device);
      const next = this.listed.get(device)?.find((entry) => entry.seq > cursor);
      return next ? next.seq > cursor + 1 : (announced.get(device) ?? 0) > cursor;
    });
  }

  private async applySnapshots(devices: readonly string[], announced: ReadonlyMap<string, number>, firstSync: boolean): Promise<void> {
    const seen = new Set(this.deps.state.data.seenSnapshots);
    const candidates: { key: string; modified: number }[] = [];
    const inBucket = new Set<string>();
    for await (const info of this.deps.bucket.list(snapshotPrefix)) {
      const parsed = parseManifestKey(info.key);
      if (parsed?.kind !== 'snapshot') continue;
      inBucket.add(info.key);
      if (parsed.writer !== this.deps.selfId && !seen.has(info.key)) candidates.push({ key: info.key, modified: info.modified.getTime() });
    }
    candidates.sort((a, b) => b.modified - a.modified);
    let takeNext = firstSync;
    for (const { key } of candidates) {
      const gaps = this.gaps(devices, announced);
      if (!takeNext && gaps.length === 0) break;
      const bytes = await this.fetch(key);
      if (!bytes) continue;
      if (takeNext && this.deps.index.artifacts.size === 0 && this.heldWriters.size === 0) {
        // A device joining has nothing to lose: no tripwire to measure, so the store alone opens
        // (and authenticates) the snapshot and says what it covers; at 100k versions that is
        // one decryption of tens of MB instead of two.
        takeNext = false;
        seen.add(key);
        const covers = await this.applyDirectly(key, bytes);
        if (covers) {
          this.report.snapshotsApplied += 1;
          this.advanceCursors(covers);
        }
        continue;
      }
      let opened;
      try {
        opened = openManifestObject(key, parseManifestKey(key)!, bytes, this.deps.codec);
      } catch (err) {
        if (!(err instanceof ManifestObjectRefusedError)) throw err;
        this.refuse(key, err);
        seen.add(key);
        continue;
      }
      if (opened.kind !== 'snapshot') continue;
      const covers = opened.covers;
      const beyond = (device: string) => (covers.get(device)?.max() ?? 0) > this.cursor(device);
      if (!takeNext && !gaps.some(beyond)) continue; // no help now; may be read again for a later hole
      // It carries changes of a device whose change set waits for approval: wait with it.
      if ([...this.heldWriters].some(beyond)) continue;
      takeNext = false;
      const outcome = await this.applyBatch(opened.writer, [{ key, bytes, update: opened.update }]);
      seen.add(key);
      if (outcome === 'applied') {
        this.report.snapshotsApplied += 1;
        this.advanceCursors(covers);
      }
    }
    // Forget snapshots the bucket no longer has, so the list stays as short as the bucket's.
    this.deps.state.data.seenSnapshots = [...seen].filter((key) => inBucket.has(key));
  }

  private advanceCursors(covers: ReadonlyMap<string, SeqRanges>): void {
    for (const [device, ranges] of covers) {
      if (device === this.deps.selfId) continue;
      this.deps.state.data.cursors[device] = advanceThrough(this.cursor(device), ranges);
    }
  }

  private async pullDevice(device: string): Promise<void> {
    const todo = (this.listed.get(device) ?? []).filter((entry) => entry.seq > this.cursor(device));
    for (let start = 0; start < todo.length; start += batchSize) {
      const chunk = todo.slice(start, start + batchSize);
      const bodies = await Promise.all(chunk.map((entry) => this.limit(() => this.fetch(entry.key))));
      // An object deleted since the listing (compacted): stop before it; the next poll sees the
      // hole and reads the snapshot that covers it.
      const gone = bodies.indexOf(null);
      const usable = gone === -1 ? chunk.length : gone;
      const batch: Fetched[] = [];
      for (let i = 0; i < usable; i += 1) {
        const { key } = chunk[i] as Listed;
        const bytes = bodies[i] as Buffer;
        try {
          const opened = openManifestObject(key, parseManifestKey(key)!, bytes, this.deps.codec);
          batch.push({ key, bytes, update: opened.update });
        } catch (err) {
          if (!(err instanceof ManifestObjectRefusedError)) throw err;
          this.refuse(key, err);
        }
      }
      const outcome = await this.applyBatch(device, batch);
      if (usable > 0) this.deps.state.data.cursors[device] = (chunk[usable - 1] as Listed).seq;
      if (outcome === 'held') {
        this.heldWriters.add(device);
        return;
      }
      if (gone !== -1) return;
    }
  }

  private async applyBatch(writer: string, batch: Fetched[]): Promise<'applied' | 'held'> {
    if (batch.length === 0) return 'applied';
    const { doc, index, tripwire } = this.deps;
    const tripped = trippedBy(measureRemovals(doc, index, batch.map((o) => o.update)), tripwire);
    if (tripped.length > 0) {
      const set = await this.deps.pending.hold(writer, batch.map(({ key, bytes }) => ({ key, bytes })), tripped, this.deps.now());
      this.report.held.push(set);
      const worst = tripped[0]!;
      this.deps.log?.warn(
        `held change set ${set.id} from device ${writer}: it would remove ${worst.removedArtifacts} of ${worst.liveArtifacts} artifacts (${worst.removedVersions} of ${worst.liveVersions} versions) in collection "${worst.collection}"; approve it with \`cairn approve ${set.id}\` or reject it with \`cairn reject ${set.id}\``,
        'sync',
      );
      return 'held';
    }
    for (const object of batch) {
      try {
        const result = await this.deps.store.applyRemote(object.key, object.bytes);
        if (result.applied) this.report.applied += 1;
      } catch (err) {
        if (!(err instanceof ManifestObjectRefusedError)) throw err;
        this.refuse(object.key, err);
      }
    }
    return 'applied';
  }

  /** Applies a snapshot without measuring it; its coverage, or null when it was refused. */
  private async applyDirectly(key: string, bytes: Buffer): Promise<Map<string, SeqRanges> | null> {
    try {
      const result = await this.deps.store.applyRemote(key, bytes);
      if (!result.applied) return null;
      this.report.applied += 1;
      return new Map(Object.entries(result.covers ?? {}).map(([device, ranges]) => [device, SeqRanges.from(ranges)]));
    } catch (err) {
      if (!(err instanceof ManifestObjectRefusedError)) throw err;
      this.refuse(key, err);
      return null;
    }
  }

  private async fetch(key: string): Promise<Buffer | null> {
    try {
      const bytes = await this.deps.bucket.get(key);
      this.report.objects += 1;
      this.report.bytes += bytes.length;
      return bytes;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
  }

  private refuse(key: string, err: ManifestObjectRefusedError): void {
    const entry: QuarantineEntry = { key, reason: err.reason, at: this.deps.now(), changeSet: null };
    this.report.refused.push(entry);
    this.deps.log?.error(`${err.message} Sync goes on without it.`, 'sync');
  }
}
