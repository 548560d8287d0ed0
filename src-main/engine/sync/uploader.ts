import crypto from 'node:crypto';
import pLimit from 'p-limit';
import type { Backend } from '../backends/backend';
import type { Logger } from '../logger';
import type { ManifestStore } from '../manifest/store';
import { parseManifestKey } from '../manifest/object-keys';
import { packKey } from '../repo/blob';
import { configKey, readConfig } from '../repo/config';
import { decodeIndexSegment } from '../repo/index-format';
import type { Repository } from '../repo/repository';
import { LocalObjectCorruptError } from '../replicate/backup';
import { indexPrefixOf } from './bucket-layout';
import { SyncBucketMismatchError } from './errors';
import { openManifestObject, type ManifestCodec } from './manifest-objects';
import type { SyncStateFile } from './sync-state';

export interface UploadReport {
  packs: number;
  indexSegments: number;
  manifestObjects: number;
  snapshots: number;
  bytes: number;
  /** Packs an own index segment names that neither this device nor the bucket has. */
  missingPacks: string[];
}

export interface UploaderDeps {
  repo: Repository;
  store: ManifestStore;
  /** The local repository folder (never reads through to the bucket). */
  local: Backend;
  bucket: Backend;
  endpointName: string;
  state: SyncStateFile;
  codec: ManifestCodec;
  concurrency: number;
  now: () => number;
  log?: Logger;
}

/**
 * Sends this device's new objects to the bucket, in the order that keeps the bucket consistent
 * for a reader at every instant (replicate/object-order.ts): packs before the index segment that
 * names them, index segments before the manifest updates whose versions need them. Manifest
 * updates and index segments go one at a time in sequence order, because readers list them
 * after a cursor: a later one visible before an earlier one would be skipped for good.
 */
export class Uploader {
  /** Packs known to be in the bucket (so each is checked once per process). */
  private readonly packsInBucket = new Set<string>();

  constructor(private readonly deps: UploaderDeps) {}

  /**
   * The bucket holds this repository: seeds an empty bucket with the keys and config (config
   * last: a bucket without it holds no repository yet), or checks that its config is ours.
   */
  async ensureBucketHoldsRepository(): Promise<'seeded' | 'ready'> {
    const { bucket, local, repo } = this.deps;
    const remote = await readConfig(bucket);
    if (remote) {
      if (remote.id !== repo.id) throw new SyncBucketMismatchError(this.deps.endpointName, remote.id, repo.id);
      return 'ready';
    }
    for await (const info of local.list('keys/')) await bucket.put(info.key, await local.get(info.key));
    await bucket.put(configKey, await local.get(configKey));
    this.deps.log?.info(`seeded the sync bucket ${bucket.name} with repository ${repo.id}`, 'sync');
    return 'seeded';
  }

  async upload(): Promise<UploadReport> {
    const report: UploadReport = { packs: 0, indexSegments: 0, manifestObjects: 0, snapshots: 0, bytes: 0, missingPacks: [] };
    await this.uploadIndexSegments(report);
    await this.uploadManifestUpdates(report);
    await this.uploadSnapshots(report);
    return report;
  }

  private async uploadIndexSegments(report: UploadReport): Promise<void> {
    const { local, bucket, state, repo } = this.deps;
    const prefix = indexPrefixOf(repo.device.deviceId);
    const after = state.data.uploadedIndexKey;
    const keys: string[] = [];
    for await (const info of local.list(prefix, after ? { startAfter: after } : {})) keys.push(info.key);
    const limit = pLimit(this.deps.concurrency);
    for (const key of keys) {
      const bytes = await local.get(key);
      const packIds = [...decodeIndexSegment(key, bytes, repo.cipher).keys()];
      await Promise.all(packIds.map((packId) => limit(() => this.uploadPack(packId, report))));
      await bucket.put(key, bytes);
      report.indexSegments += 1;
      report.bytes += bytes.length;
      state.data.uploadedIndexKey = key;
    }
  }

  private async uploadPack(packId: string, report: UploadReport): Promise<void> {
    if (this.packsInBucket.has(packId)) return;
    const { local, bucket } = this.deps;
    const key = packKey(packId);
    if (await bucket.head(key)) {
      this.packsInBucket.add(packId);
      return;
    }
    if (!(await local.head(key))) {
      // Named by a rewritten index (local GC) but held only by the bucket once, now gone there too.
      report.missingPacks.push(packId);
      this.deps.log?.warn(`pack ${packId} is named by this device's index but is neither here nor in ${bucket.name}`, 'sync');
      return;
    }
    const bytes = await local.get(key);
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== packId) throw new LocalObjectCorruptError(key);
    await bucket.put(key, bytes);
    this.packsInBucket.add(packId);
    report.packs += 1;
    report.bytes += bytes.length;
  }

  private async uploadManifestUpdates(report: UploadReport): Promise<void> {
    const { local, bucket, state, store } = this.deps;
    const pending = await store.pendingUpload(state.data.uploadedSeq);
    for (const { key, seq } of pending.updates) {
      const bytes = await local.get(key);
      await bucket.put(key, bytes);
      state.data.uploadedSeq = seq;
      state.data.updatesSinceSnapshot += 1;
      report.manifestObjects += 1;
      report.bytes += bytes.length;
    }
  }

  /** Own snapshots (written by compaction) the bucket lacks, recorded with what they cover. */
  private async uploadSnapshots(report: UploadReport): Promise<void> {
    const { local, bucket, state, store } = this.deps;
    const uploaded = new Set(state.data.snapshots.map((s) => s.key));
    const pending = await store.pendingUpload(state.data.uploadedSeq);
    for (const key of pending.snapshots) {
      if (uploaded.has(key)) continue;
      const parsed = parseManifestKey(key);
      if (parsed?.kind !== 'snapshot') continue;
      let bytes: Buffer;
      try {
        bytes = await local.get(key);
      } catch {
        continue; // superseded and deleted by a later compaction meanwhile
      }
      const opened = openManifestObject(key, parsed, bytes, this.deps.codec);
      if (opened.kind !== 'snapshot') continue;
      await bucket.put(key, bytes);
      state.data.snapshots.push({ key, uploadedAt: this.deps.now(), covers: Object.fromEntries([...opened.covers].map(([d, r]) => [d, r.toJSON().map(([a, b]) => [a, b] as [number, number])])) });
      report.snapshots += 1;
      report.bytes += bytes.length;
    }
  }
}
