import os from 'node:os';
import type { z } from 'zod';
import type { changeSetSchema, syncDeviceSchema, syncRoundSchema } from '../../../src-shared/contract/sync';
import type { Backend } from '../backends/backend';
import type { Catalogue } from '../catalogue/catalogue';
import type { Logger } from '../logger';
import { ManifestObjectRefusedError } from '../manifest/errors';
import { SeqRanges } from '../manifest/seq-ranges';
import type { ManifestStore } from '../manifest/store';
import type { Repository } from '../repo/repository';
import type { Vault } from '../vault/vault';
import { cleanOwnBucketObjects, compactOwnManifest } from './compaction';
import { fetchIndexSegments } from './index-fetch';
import { KeepLocalFetcher } from './keep-local';
import { advanceThrough, type ManifestCodec } from './manifest-objects';
import { ManifestPuller } from './manifest-pull';
import { PackGc, type GcFinishReport, type GcProposalView } from './pack-gc';
import { PendingStore, type ChangeSet } from './pending-store';
import { PresenceReader, writePresence, type Presence } from './presence';
import type { ReadThroughBackend } from './read-through-backend';
import type { SyncSettings } from './settings';
import type { RecordKeys } from './signed-record';
import { SyncStateFile, type QuarantineEntry } from './sync-state';
import { Uploader } from './uploader';

export type SyncRound = z.infer<typeof syncRoundSchema>;
export type SyncDevice = z.infer<typeof syncDeviceSchema>;
export type ChangeSetView = z.infer<typeof changeSetSchema>;

export interface SyncEngineDeps {
  vault: Vault;
  /** The endpoint's name (for messages) and identity (url, bucket, prefix: cursors belong to it). */
  endpointName: string;
  bucketIdentity: string;
  bucket: Backend;
  settings: SyncSettings;
  log?: Logger;
}

interface Open {
  repo: Repository;
  store: ManifestStore;
  catalogue: Catalogue;
  backend: ReadThroughBackend;
}

/** Refused objects remembered for status (the newest ones). */
const maxQuarantined = 1000;

/**
 * One device's side of sync through a shared bucket (DESIGN.md 5): a round uploads what this
 * device wrote, reads what the others wrote, and keeps the bucket bounded. Rounds, approvals and
 * rejections run one at a time. No locks anywhere: each device writes only its own keys, packs
 * are named by their content, and everything that deletes waits until every device has read
 * past what it deletes (see compaction.ts, pack-gc.ts).
 *
 * A round:
 *  1. makes sure the bucket holds this repository (seeding an empty bucket);
 *  2. registers this device in the manifest the first time;
 *  3. reads pack GC proposals (and stops storing into proposed packs);
 *  4. uploads own packs, index segments, manifest updates (uploader.ts);
 *  5. reads every device's presence, copies other devices' new index segments, pulls their
 *     manifest objects through the tripwire (manifest-pull.ts);
 *  6. compacts when due and deletes own objects everyone has passed (compaction.ts);
 *  7. fetches bytes of collections kept locally; answers and finishes GC proposals (pack-gc.ts);
 *  8. publishes its presence (cursors) and saves its state.
 */
export class SyncEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private presences = new Map<string, Presence>();
  private bucketChecked = false;
  private lastPublished = '';
  private readonly uploader: Uploader;
  private readonly keepLocal: KeepLocalFetcher;
  private readonly gc: PackGc;
  private readonly codec: ManifestCodec;
  private readonly recordKeys: RecordKeys;
  private readonly presenceReader: PresenceReader;

  private constructor(
    private readonly deps: SyncEngineDeps,
    private readonly open: Open,
    readonly state: SyncStateFile,
    readonly pending: PendingStore,
  ) {
    const { repo, store, catalogue, backend } = open;
    this.codec = { repoId: repo.id, keys: { macKey: repo.keys.manifestMacKey, sealKey: repo.keys.manifestKey } };
    this.recordKeys = { repoId: repo.id, macKey: repo.keys.manifestMacKey, sealKey: repo.keys.manifestKey };
    this.uploader = new Uploader({
      repo,
      store,
      local: backend.local,
      bucket: deps.bucket,
      endpointName: deps.endpointName,
      state,
      codec: this.codec,
      concurrency: deps.settings.concurrency,
      now: deps.settings.now,
      ...(deps.log ? { log: deps.log } : {}),
    });
    this.presenceReader = new PresenceReader(deps.bucket, this.recordKeys);
    this.keepLocal = new KeepLocalFetcher(repo, catalogue, backend, deps.settings.concurrency);
    this.gc = new PackGc({
      repo,
      catalogue,
      local: backend.local,
      bucket: deps.bucket,
      state,
      recordKeys: this.recordKeys,
      selfId: repo.device.deviceId,
      settings: deps.settings,
      ...(deps.log ? { log: deps.log } : {}),
    });
  }

  /** Starts syncing an open vault with a bucket: missing packs are read through from it from now on. */
  static async open(deps: SyncEngineDeps): Promise<SyncEngine> {
    const { vault } = deps;
    const repo = vault.requireRepository();
    const catalogue = vault.requireCatalogue();
    const store = vault.manifest!;
    const state = await SyncStateFile.load(vault.localDir);
    state.bindTo(deps.bucketIdentity);
    repo.avoidDedupInto(state.data.gc.avoidedPacks);
    vault.readThrough.attach(deps.bucket);
    return new SyncEngine(deps, { repo, store, catalogue, backend: vault.readThrough }, state, PendingStore.in(vault.localDir));
  }

  get endpointName(): string {
    return this.deps.endpointName;
  }

  get selfId(): string {
    return this.open.repo.device.deviceId;
  }

  /** Stops reading through to the bucket (the vault stays open). */
  detach(): void {
    if (this.open.backend.attached) this.open.backend.attach(null);
  }

  round(options: { compact?: boolean } = {}): Promise<SyncRound> {
    return this.exclusive(() => this.runRound(options));
  }

  /** Applies a held change set as it is. */
  approve(id: string): Promise<{ id: string; applied: number }> {
    return this.exclusive(async () => {
      const { set, objects } = await this.pending.open(id);
      let applied = 0;
      for (const object of objects) {
        try {
          const result = await this.open.store.applyRemote(object.key, object.bytes);
          if (!result.applied) continue;
          applied += 1;
          // A held snapshot: what it covers need not be read one by one any more.
          for (const [device, ranges] of Object.entries(result.covers ?? {})) {
            if (device !== this.selfId) this.state.data.cursors[device] = advanceThrough(this.state.data.cursors[device] ?? 0, SeqRanges.from(ranges));
          }
        } catch (err) {
          if (!(err instanceof ManifestObjectRefusedError)) throw err;
          this.quarantine([{ key: object.key, reason: err.reason, at: this.now(), changeSet: set.id }]);
        }
      }
      await this.pending.remove(set.id);
      await this.state.save();
      this.deps.log?.info(`approved change set ${set.id} from device ${set.writer}: ${applied} object(s) applied`, 'sync');
      return { id: set.id, applied };
    });
  }

  /** Discards a held change set: its objects stay refused on this device. */
  reject(id: string): Promise<{ id: string; quarantined: number }> {
    return this.exclusive(async () => {
      const { set } = await this.pending.open(id);
      this.quarantine(set.keys.map((key) => ({ key, reason: `rejected with change set ${set.id}`, at: this.now(), changeSet: set.id })));
      await this.pending.remove(set.id);
      await this.state.save();
      this.deps.log?.warn(
        `rejected change set ${set.id} from device ${set.writer}: its ${set.keys.length} object(s) stay out of this device's catalogue; later changes of that device that build on them wait for them`,
        'sync',
      );
      return { id: set.id, quarantined: set.keys.length };
    });
  }

  async pendingViews(): Promise<ChangeSetView[]> {
    return (await this.pending.list()).map((set) => this.changeSetView(set));
  }

  quarantined(): QuarantineEntry[] {
    return [...this.state.data.quarantined];
  }

  async setKeepLocal(collection: string, keep: boolean): Promise<string[]> {
    return this.exclusive(async () => {
      const kept = new Set(this.state.data.keepLocal);
      if (keep) kept.add(collection);
      else kept.delete(collection);
      this.state.data.keepLocal = [...kept].sort();
      await this.state.save();
      return this.state.data.keepLocal;
    });
  }

  /** Proposes a pack GC, or finishes this device's open proposal when it is ready. */
  collectGarbage(): Promise<{ proposal: GcProposalView | null; finished: GcFinishReport | null; waitingFor: string[] }> {
    return this.exclusive(async () => {
      await this.refreshPresences();
      await this.gc.refresh();
      const holdsPending = (await this.pending.list()).length > 0;
      const waitedFor = this.waitedFor();
      const finished = await this.gc.finish(this.presences, waitedFor, holdsPending);
      const proposal = finished ? null : await this.gc.propose(this.cursorVector());
      await this.state.save();
      const open = this.state.data.gc.proposal;
      const waitingFor = open ? waitedFor.filter((device) => this.presences.get(device)?.gcAcks[this.selfId]?.proposalId !== open.proposalId) : [];
      return { proposal, finished, waitingFor };
    });
  }

  /** Every device sharing the repository, as this device knows them. */
  devices(): SyncDevice[] {
    const now = this.now();
    const records = this.open.catalogue.index.devices;
    const ids = new Set<string>([...records.keys(), ...this.presences.keys(), this.selfId]);
    return [...ids].sort().map((deviceId) => {
      const record = records.get(deviceId);
      const presence = this.presences.get(deviceId);
      const self = deviceId === this.selfId;
      const lastSeen = self ? now : this.lastSeen(deviceId);
      return {
        deviceId,
        name: record?.name ?? presence?.name ?? (self ? this.open.repo.device.name : null),
        host: record?.host ?? presence?.host ?? null,
        self,
        registered: record !== undefined,
        firstSeenAt: record ? new Date(record.firstSeenAt).toISOString() : null,
        lastSeenAt: lastSeen === null ? null : new Date(lastSeen).toISOString(),
        readThrough: self ? this.state.data.uploadedSeq : (this.state.data.cursors[deviceId] ?? 0),
        uploadedThrough: self ? this.state.data.uploadedSeq : (presence?.ownSeq ?? null),
        offlineTooLong: !self && this.isOfflineTooLong(deviceId),
      };
    });
  }

  /** People-readable warnings: devices offline too long, held change sets, waiting changes. */
  async warnings(): Promise<string[]> {
    const warnings: string[] = [];
    const days = Math.round(this.deps.settings.offlineAfterMs / 86_400_000);
    for (const device of this.devices()) {
      if (!device.offlineTooLong) continue;
      warnings.push(
        `Device ${device.name ?? device.deviceId} (${device.deviceId.slice(0, 8)}) has not synced ${device.lastSeenAt ? `since ${device.lastSeenAt}` : 'at all'}, longer than ${days} day(s): compaction and garbage collection no longer wait for it. When it returns it catches up from snapshots.`,
      );
    }
    for (const set of await this.pending.list()) warnings.push(`Change set ${set.id} from device ${set.writer.slice(0, 8)} waits for approval (\`cairn pending\`); nothing more is read from that device until then.`);
    if (this.open.store.isWaiting()) warnings.push('Some changes from other devices wait for earlier changes of the same device that were refused or rejected here.');
    return warnings;
  }

  // --- the round ---------------------------------------------------------------------------------

  private async runRound(options: { compact?: boolean }): Promise<SyncRound> {
    const started = this.now();
    const { repo, store, catalogue, backend } = this.open;
    const warnings: string[] = [];
    try {
      if (!this.bucketChecked) {
        await this.uploader.ensureBucketHoldsRepository();
        this.bucketChecked = true;
      }
      if (!this.state.data.registered || !catalogue.index.devices.has(this.selfId)) {
        await catalogue.registerDevice(repo.device.name);
        this.state.data.registered = true;
      }
      // GC proposals first: from here on nothing new is stored into a pack proposed for
      // deletion; writes that started earlier finish and go up with this round's upload, so an
      // answer given below covers everything that might rely on those packs.
      await this.gc.refresh();
      if (this.gc.hasUnanswered() || this.state.data.gc.proposal) await this.deps.vault.writesSettled();
      const uploaded = await this.uploader.upload();
      for (const packId of uploaded.missingPacks) warnings.push(`Pack ${packId} is named by this device's index but is neither here nor in the bucket.`);

      await this.refreshPresences();
      const others = this.otherDevices();
      const indexReport = await fetchIndexSegments(
        { repo, local: backend.local, bucket: this.deps.bucket, state: this.state, concurrency: this.deps.settings.concurrency, now: this.deps.settings.now },
        others,
      );
      const announced = new Map([...this.presences].map(([device, presence]) => [device, presence.ownSeq]));
      const pull = await new ManifestPuller({
        store,
        doc: store.doc,
        index: catalogue.index,
        bucket: this.deps.bucket,
        codec: this.codec,
        state: this.state,
        pending: this.pending,
        selfId: this.selfId,
        tripwire: { share: this.deps.settings.tripwireShare, minRemoved: this.deps.settings.tripwireMinRemoved },
        concurrency: this.deps.settings.concurrency,
        now: this.deps.settings.now,
        ...(this.deps.log ? { log: this.deps.log } : {}),
      }).pull(others, announced);
      this.quarantine([...indexReport.refused, ...pull.refused]);

      let compacted: string | null = null;
      if (options.compact || this.compactionDue()) {
        compacted = (await compactOwnManifest(store, this.state, this.selfId)).snapshotKey;
        const afterCompaction = await this.uploader.upload();
        uploaded.snapshots += afterCompaction.snapshots;
        uploaded.manifestObjects += afterCompaction.manifestObjects;
        uploaded.bytes += afterCompaction.bytes;
      }
      const waitedFor = this.waitedFor();
      const barrier = Math.min(...waitedFor.map((device) => this.presences.get(device)?.cursors[this.selfId] ?? 0));
      const bucketObjectsDeleted = await cleanOwnBucketObjects(
        { bucket: this.deps.bucket, state: this.state, selfId: this.selfId, graceMs: this.deps.settings.manifestGraceMs, now: this.now(), concurrency: this.deps.settings.concurrency },
        barrier,
      );

      const keptLocalPacks = await this.keepLocal.fetch(this.state.data.keepLocal);

      const holdsPending = (await this.pending.list()).length > 0;
      const answered = this.gc.answer(this.state.data.cursors, this.state.data.uploadedSeq, holdsPending);
      const finished = await this.gc.finish(this.presences, waitedFor, holdsPending);

      await this.publishPresence();
      const durationMs = this.now() - started;
      this.state.data.lastSync = { at: started, ok: true, error: null, durationMs };
      await this.state.save();
      return {
        at: new Date(started).toISOString(),
        durationMs,
        uploaded: { packs: uploaded.packs, indexSegments: uploaded.indexSegments, manifestObjects: uploaded.manifestObjects, snapshots: uploaded.snapshots, bytes: uploaded.bytes },
        downloaded: { indexSegments: indexReport.segments, manifestObjects: pull.objects, bytes: indexReport.bytes + pull.bytes },
        applied: pull.applied,
        snapshotsApplied: pull.snapshotsApplied,
        held: pull.held.map((set) => this.changeSetView(set)),
        refused: [...indexReport.refused, ...pull.refused].map(quarantineView),
        compacted,
        bucketObjectsDeleted,
        keptLocalPacks,
        gc: { answered, packsDeleted: finished?.packsDeleted ?? 0 },
        warnings: [...warnings, ...(await this.warnings())],
      };
    } catch (err) {
      this.state.data.lastSync = { at: started, ok: false, error: err instanceof Error ? err.message : String(err), durationMs: this.now() - started };
      await this.state.save().catch(() => undefined);
      throw err;
    }
  }

  private async refreshPresences(): Promise<void> {
    const { presences, refused } = await this.presenceReader.read();
    for (const problem of refused) this.deps.log?.warn(problem.message, 'sync');
    this.presences = presences;
  }

  /** Other devices this one knows of: from presence records, the manifest's device list, its cursors. */
  private otherDevices(): string[] {
    const ids = new Set<string>([...this.presences.keys(), ...this.open.catalogue.index.devices.keys(), ...Object.keys(this.state.data.cursors)]);
    ids.delete(this.selfId);
    return [...ids].filter((id) => /^[0-9a-f]{32}$/.test(id)).sort();
  }

  /** Other devices that deletions wait for: all but those offline too long. */
  private waitedFor(): string[] {
    return this.otherDevices().filter((device) => !this.isOfflineTooLong(device));
  }

  private lastSeen(deviceId: string): number | null {
    const presence = this.presences.get(deviceId)?.at;
    const registered = this.open.catalogue.index.devices.get(deviceId)?.lastSeenAt;
    if (presence === undefined && registered === undefined) return null;
    return Math.max(presence ?? 0, registered ?? 0);
  }

  private isOfflineTooLong(deviceId: string): boolean {
    const seen = this.lastSeen(deviceId);
    return seen === null || this.now() - seen > this.deps.settings.offlineAfterMs;
  }

  /** Enough own updates since the last own snapshot, and that snapshot is old enough. */
  private compactionDue(): boolean {
    const { compactAfterUpdates, minCompactionIntervalMs } = this.deps.settings;
    const last = this.state.data.snapshots.at(-1);
    return this.state.data.updatesSinceSnapshot >= compactAfterUpdates && (!last || this.now() - last.uploadedAt >= minCompactionIntervalMs);
  }

  private cursorVector(): Record<string, number> {
    return { ...this.state.data.cursors, [this.selfId]: this.state.data.uploadedSeq };
  }

  private async publishPresence(): Promise<void> {
    const body = { ownSeq: this.state.data.uploadedSeq, cursors: this.state.data.cursors, gcAcks: this.state.data.gc.acks };
    const fingerprint = JSON.stringify(body);
    const now = this.now();
    if (fingerprint === this.lastPublished && now - this.state.data.lastPresenceAt < this.deps.settings.presenceRefreshMs) return;
    const presence: Presence = { format: 1, deviceId: this.selfId, name: this.open.repo.device.name, host: os.hostname(), at: now, ...body };
    await writePresence(this.deps.bucket, presence, this.recordKeys);
    this.presences.set(this.selfId, presence);
    this.lastPublished = fingerprint;
    this.state.data.lastPresenceAt = now;
  }

  private quarantine(entries: readonly QuarantineEntry[]): void {
    if (entries.length === 0) return;
    const known = new Set(this.state.data.quarantined.map((e) => e.key));
    const fresh = entries.filter((e) => !known.has(e.key));
    this.state.data.quarantined = [...this.state.data.quarantined, ...fresh].slice(-maxQuarantined);
  }

  private changeSetView(set: ChangeSet): ChangeSetView {
    const name = this.open.catalogue.index.devices.get(set.writer)?.name ?? this.presences.get(set.writer)?.name ?? null;
    return { id: set.id, device: set.writer, deviceName: name, createdAt: new Date(set.createdAt).toISOString(), objects: set.keys.length, effects: set.effects };
  }

  private now(): number {
    return this.deps.settings.now();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export function quarantineView(entry: QuarantineEntry): { key: string; reason: string; at: string; changeSet: string | null } {
  return { key: entry.key, reason: entry.reason, at: new Date(entry.at).toISOString(), changeSet: entry.changeSet };
}
