import crypto from 'node:crypto';
import pLimit from 'p-limit';
import * as Y from 'yjs';
import { ObjectExistsError, type Backend } from '../backends/backend';
import { crashPoint } from '../crash/crash-points';
import type { Logger } from '../logger';
import { ManifestObjectRefusedError, ManifestSetupError, ManifestStoreClosedError } from './errors';
import { decodeManifestObject, encodeManifestObject, packSnapshot, type ManifestKeys, type ObjectSlot } from './object-format';
import { isValidDeviceId, manifestPrefix, maxSeq, parseManifestKey, snapshotKey, updateKey, type ParsedManifestKey } from './object-keys';
import { SeqRanges, type SeqRange } from './seq-ranges';
import { openSnapshotBody } from './snapshot-body';

export interface ManifestStoreDeps {
  backend: Backend;
  /** The repository's id (32 hex digits); bound into every object's authentication. */
  repoId: string;
  /** This device: the only writer of `manifest/<deviceId>/…`. */
  deviceId: string;
  /** Authenticates objects (HMAC-SHA-256); at least 32 bytes. */
  macKey: Buffer;
  /** Seals objects with AES-256-GCM (32 bytes), or null for an unencrypted repository. */
  sealKey: Buffer | null;
  log?: Logger;
  /** The process's one long-lived document (DESIGN.md 9); a new one when absent. */
  doc?: Y.Doc;
  /**
   * Local changes made within this many ms are written as one object. null: only `flush()`
   * writes. Default 50.
   */
  coalesceMs?: number | null;
  /** Objects read in parallel while loading. Default 8. */
  readConcurrency?: number;
}

export interface LoadReport {
  snapshotsApplied: number;
  updatesApplied: number;
  /** Update objects not read because an applied snapshot already holds them. */
  updatesCovered: number;
  /** Objects refused by this load (each also logged); everything else was applied. */
  problems: ManifestObjectRefusedError[];
  /**
   * True when applied changes wait for earlier changes of the same writer that are missing (in
   * a refused object): Yjs integrates a writer's changes in order, so they appear once a good
   * copy of the missing object arrives through `applyRemote`. Nothing waiting is lost: snapshots
   * keep it.
   */
  waiting: boolean;
}

/** An object compaction may delete because the new snapshot holds it. */
export interface DeletionCandidate {
  key: string;
  kind: 'update' | 'snapshot';
  /** The device that wrote it. */
  deviceId: string;
}

/**
 * Decides which covered objects compaction deletes. Sync will need rules across devices (and a
 * grace period); until then only this device's own objects go.
 */
export type CompactionDeletionPolicy = (candidate: DeletionCandidate, selfDeviceId: string) => boolean;
export const deleteOwnCovered: CompactionDeletionPolicy = (candidate, self) => candidate.deviceId === self;
export const keepAllCovered: CompactionDeletionPolicy = () => false;

export interface CompactReport {
  snapshotKey: string;
  size: number;
  covers: Record<string, SeqRange[]>;
  deleted: string[];
}

export type ApplyRemoteResult =
  | { applied: true; kind: 'update' | 'snapshot'; /** A snapshot's coverage (what sync may stop reading one by one). */ covers?: Record<string, SeqRange[]> }
  | { applied: false; reason: 'already applied' };

export interface PendingUpload {
  /** This device's update objects after the given seq, in seq order. */
  updates: { key: string; seq: number }[];
  /** This device's snapshots present locally (the sync loop skips those it has uploaded). */
  snapshots: string[];
}


interface DecodedObject {
  key: string;
  parsed: ParsedManifestKey;
  update: Uint8Array;
  covers?: Map<string, SeqRanges>;
}

/**
 * Persists the manifest document over a Backend (DESIGN.md 4, 5, 9).
 *
 * Writing: every local transaction's `updateV2` is buffered; updates made within `coalesceMs`,
 * or before an explicit `flush()`, are merged and written as one authenticated object
 * `manifest/<deviceId>/<seq>` (create-only). `flush()` resolves once every change made before
 * it is durable; concurrent callers share writes (group commit).
 *
 * Loading: snapshots first, then the update objects no snapshot covers. An object that fails
 * verification is refused, reported and never applied; the rest loads. `load()` can be called
 * again to pick up objects written since (by another process or a sync loop).
 *
 * For sync (not here yet): `applyRemote` takes an object fetched from elsewhere, `cursors`
 * says how far each device has been read, `pendingUpload` lists what this device still has to
 * send, and the compaction deletion policy is a parameter.
 */
export class ManifestStore {
  readonly doc: Y.Doc;
  readonly deviceId: string;
  private readonly backend: Backend;
  private readonly repoId: string;
  private readonly keys: ManifestKeys;
  private readonly log: Logger | undefined;
  private readonly coalesceMs: number | null;
  private readonly readConcurrency: number;
  /** Origin of transactions that apply stored objects: never written back. */
  private readonly origin = { manifestStore: true };

  /** Seqs whose content is in the document, per device. */
  private readonly applied = new Map<string, SeqRanges>();
  /** Highest seq seen per device, applied or refused. */
  private readonly seen = new Map<string, number>();
  private readonly appliedSnapshots = new Map<string, { writer: string }>();
  private readonly refused = new Map<string, ManifestObjectRefusedError>();

  private pending: Uint8Array[] = [];
  private localUpdates = 0;
  private durableUpdates = 0;
  private nextSeq = 1;
  private loadedOnce = false;
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Serialises load, compaction and remote applies (they all read and change `applied`). */
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(deps: ManifestStoreDeps) {
    if (!/^[0-9a-f]{32}$/.test(deps.repoId)) throw new ManifestSetupError(`repo id "${deps.repoId}" is not 32 hex digits`);
    if (!isValidDeviceId(deps.deviceId)) throw new ManifestSetupError(`device id "${deps.deviceId}" is not a valid key segment (lower-case letters, digits, "-")`);
    if (deps.macKey.length < 32) throw new ManifestSetupError(`the MAC key is ${deps.macKey.length} bytes; it needs at least 32`);
    if (deps.sealKey !== null && deps.sealKey.length !== 32) throw new ManifestSetupError(`the seal key is ${deps.sealKey.length} bytes; AES-256-GCM needs 32`);
    this.backend = deps.backend;
    this.repoId = deps.repoId;
    this.deviceId = deps.deviceId;
    this.keys = { macKey: deps.macKey, sealKey: deps.sealKey };
    this.log = deps.log;
    this.doc = deps.doc ?? new Y.Doc();
    this.coalesceMs = deps.coalesceMs === undefined ? 50 : deps.coalesceMs;
    this.readConcurrency = deps.readConcurrency ?? 8;
    this.doc.on('updateV2', this.onUpdate);
    this.doc.on('afterTransactionCleanup', this.onCleanup);
  }

  /** Reads every object not applied yet (all of them the first time) into the document. */
  load(): Promise<LoadReport> {
    return this.runExclusive(() => this.loadObjects());
  }

  /** Resolves when every local change made before the call is durable in the backend. */
  async flush(): Promise<void> {
    if (this.closed && this.localUpdates > this.durableUpdates) throw new ManifestStoreClosedError();
    const target = this.localUpdates;
    while (this.durableUpdates < target) {
      if (!this.writing) {
        this.writing = this.writeBatch().finally(() => {
          this.writing = null;
        });
      }
      await this.writing;
    }
  }

  /**
   * Writes a snapshot of the whole state (recording which objects it covers) and, once it is
   * durable, deletes the covered objects the policy allows (default: this device's own).
   */
  compact(options: { deletePolicy?: CompactionDeletionPolicy } = {}): Promise<CompactReport> {
    return this.runExclusive(async () => {
      this.assertOpen();
      this.assertLoaded('compact');
      await this.flush();
      const covers = new Map<string, SeqRanges>();
      for (const [device, ranges] of this.applied) covers.set(device, SeqRanges.from(ranges.toJSON()));
      const coverJson = Object.fromEntries([...covers].map(([device, ranges]) => [device, ranges.toJSON()]));
      const coverage = JSON.stringify({ format: 1, writer: this.deviceId, createdAt: Date.now(), covers: coverJson });
      const state = Y.encodeStateAsUpdateV2(this.doc);
      const snapshotId = `${this.deviceId}.${crypto.randomBytes(8).toString('hex')}`;
      const key = snapshotKey(snapshotId);
      const bytes = encodeManifestObject(packSnapshot(coverage, state), this.slotOf({ kind: 'snapshot', snapshotId, writer: this.deviceId }), this.keys);
      crashPoint('manifest.compact.before-snapshot-put');
      await this.backend.put(key, bytes, { ifNoneMatch: true });
      crashPoint('manifest.compact.after-snapshot-put');
      const supersededSnapshots = new Map(this.appliedSnapshots);
      this.appliedSnapshots.set(key, { writer: this.deviceId });

      const policy = options.deletePolicy ?? deleteOwnCovered;
      const deleted: string[] = [];
      for await (const info of this.backend.list(manifestPrefix)) {
        const parsed = parseManifestKey(info.key);
        if (!parsed) continue;
        const covered =
          parsed.kind === 'update' ? (covers.get(parsed.deviceId)?.has(parsed.seq) ?? false) : supersededSnapshots.has(info.key);
        if (!covered) continue;
        const writer = parsed.kind === 'update' ? parsed.deviceId : parsed.writer;
        if (!policy({ key: info.key, kind: parsed.kind, deviceId: writer }, this.deviceId)) continue;
        await this.backend.delete(info.key);
        crashPoint('manifest.compact.after-covered-delete');
        if (parsed.kind === 'snapshot') this.appliedSnapshots.delete(info.key);
        deleted.push(info.key);
      }
      this.log?.info(`manifest compacted into ${key} (${bytes.length} bytes); removed ${deleted.length} covered objects`, 'manifest');
      return { snapshotKey: key, size: bytes.length, covers: coverJson, deleted };
    });
  }

  /**
   * Verifies and applies one object fetched from elsewhere (another device's update or a
   * snapshot), keeping a copy in this backend. Throws ManifestObjectRefusedError when it fails
   * verification; nothing is applied or stored then.
   */
  applyRemote(key: string, bytes: Buffer): Promise<ApplyRemoteResult> {
    return this.runExclusive(async () => {
      this.assertOpen();
      this.assertLoaded('apply remote objects');
      const parsed = parseManifestKey(key);
      if (!parsed) throw this.noteRefused(new ManifestObjectRefusedError(key, 'its key is not a manifest object key'), null);
      if (this.isApplied(key, parsed)) return { applied: false, reason: 'already applied' } as const;
      let decoded: DecodedObject;
      try {
        decoded = this.decode(key, parsed, bytes);
      } catch (err) {
        if (err instanceof ManifestObjectRefusedError) this.noteRefused(err, parsed);
        throw err;
      }
      if (this.refused.delete(key)) {
        // A good copy of an object refused here: it replaces the damaged local one.
        await this.backend.put(key, bytes);
      } else {
        try {
          await this.backend.put(key, bytes, { ifNoneMatch: true });
        } catch (err) {
          if (!(err instanceof ObjectExistsError)) throw err;
        }
      }
      const problem = this.applyDecoded([decoded]);
      if (problem) throw problem;
      const covers = decoded.covers ? Object.fromEntries([...decoded.covers].map(([device, ranges]) => [device, ranges.toJSON()])) : undefined;
      return { applied: true, kind: parsed.kind, ...(covers ? { covers } : {}) } as const;
    });
  }

  /** Highest seq read (applied or refused) per device: where a sync loop resumes listing. */
  cursors(): ReadonlyMap<string, number> {
    return new Map(this.seen);
  }

  /** True while applied changes wait for missing earlier ones (see LoadReport.waiting). */
  isWaiting(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /** Every object refused so far and not repaired since (loads and remote applies). */
  problems(): ManifestObjectRefusedError[] {
    return [...this.refused.values()];
  }

  /** What this device has written that a sync loop uploaded through `uploadedThroughSeq` lacks. */
  async pendingUpload(uploadedThroughSeq: number): Promise<PendingUpload> {
    await this.flush();
    const updates: PendingUpload['updates'] = [];
    const startAfter = uploadedThroughSeq >= 1 ? updateKey(this.deviceId, uploadedThroughSeq) : undefined;
    for await (const info of this.backend.list(`${manifestPrefix}${this.deviceId}/`, startAfter === undefined ? {} : { startAfter })) {
      const parsed = parseManifestKey(info.key);
      if (parsed?.kind === 'update') updates.push({ key: info.key, seq: parsed.seq });
    }
    const snapshots: string[] = [];
    for (const [key, { writer }] of this.appliedSnapshots) if (writer === this.deviceId) snapshots.push(key);
    return { updates, snapshots };
  }

  /** Writes what is pending and stops listening to the document. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      if (this.loadedOnce) await this.flush();
      else if (this.pending.length > 0) this.log?.error(`${this.pending.length} manifest change(s) were not written: the store was closed before load()`, 'manifest');
    } finally {
      this.closed = true;
      this.doc.off('afterTransactionCleanup', this.onCleanup);
      this.doc.off('updateV2', this.onUpdate);
      this.listening = false;
    }
  }

  // --- writing ----------------------------------------------------------------------------------

  /**
   * Whether `onUpdate` is registered. Yjs encodes a transaction's whole update whenever anybody
   * listens to 'updateV2', before calling the listeners. For the transactions that apply stored
   * objects (a whole snapshot at load: 60 MB for 100k versions; measured ~250 ms plus the GC of
   * the copy, and ~170 MB more peak RSS) that encoding is wasted: the store never writes them
   * back. Yjs emits 'afterTransactionCleanup' just before that check for the same transaction
   * (nested ones included), so `onCleanup` unregisters for the store's own applies and registers
   * again for any other transaction.
   */
  private listening = true;

  private readonly onCleanup = (transaction: Y.Transaction): void => {
    const wanted = transaction.origin !== this.origin && !this.closed;
    if (wanted === this.listening) return;
    if (wanted) this.doc.on('updateV2', this.onUpdate);
    else this.doc.off('updateV2', this.onUpdate);
    this.listening = wanted;
  };

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this.origin || this.closed) return;
    this.pending.push(update);
    this.localUpdates += 1;
    this.scheduleFlush();
  };

  private scheduleFlush(): void {
    if (this.coalesceMs === null || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.loadedOnce) return; // written by the first flush after load
      this.flush().catch((err: unknown) => this.log?.error(`could not write manifest changes: ${(err as Error).message}`, 'manifest'));
    }, this.coalesceMs);
    this.timer.unref?.();
  }

  private async writeBatch(): Promise<void> {
    this.assertLoaded('write');
    const count = this.pending.length;
    if (count === 0) return;
    const update = count === 1 ? (this.pending[0] as Uint8Array) : Y.mergeUpdatesV2(this.pending.slice(0, count));
    for (let attempt = 0; ; attempt += 1) {
      const seq = this.nextSeq;
      if (seq > maxSeq) throw new ManifestSetupError(`device ${this.deviceId} has used every manifest sequence number`);
      const bytes = encodeManifestObject(update, this.slotOf({ kind: 'update', deviceId: this.deviceId, seq }), this.keys);
      try {
        crashPoint('manifest.before-update-put');
        await this.backend.put(updateKey(this.deviceId, seq), bytes, { ifNoneMatch: true });
        crashPoint('manifest.after-update-put');
      } catch (err) {
        // Another process writes as this device: move past its objects (the next load reads them).
        if (err instanceof ObjectExistsError && attempt < 10) {
          this.log?.warn(`manifest object ${updateKey(this.deviceId, seq)} already exists; another process is writing as this device`, 'manifest');
          await this.skipTakenSeqs();
          continue;
        }
        throw err;
      }
      this.nextSeq = seq + 1;
      this.markApplied(this.deviceId, seq);
      this.pending = this.pending.slice(count);
      this.durableUpdates += count;
      return;
    }
  }

  private async skipTakenSeqs(): Promise<void> {
    for await (const info of this.backend.list(`${manifestPrefix}${this.deviceId}/`, { startAfter: updateKey(this.deviceId, this.nextSeq - 1) })) {
      const parsed = parseManifestKey(info.key);
      if (parsed?.kind === 'update') this.nextSeq = Math.max(this.nextSeq, parsed.seq + 1);
    }
  }

  // --- loading ----------------------------------------------------------------------------------

  private async loadObjects(): Promise<LoadReport> {
    this.assertOpen();
    const snapshots: string[] = [];
    const updates: { key: string; parsed: ParsedManifestKey & { kind: 'update' } }[] = [];
    const problems: ManifestObjectRefusedError[] = [];
    for await (const info of this.backend.list(manifestPrefix)) {
      if (this.refused.has(info.key) || this.appliedSnapshots.has(info.key)) continue;
      const parsed = parseManifestKey(info.key);
      if (!parsed) {
        problems.push(this.noteRefused(new ManifestObjectRefusedError(info.key, 'its key is not a manifest object key (manifest/<device>/<12-digit seq> or manifest/snapshots/<id>)'), null));
      } else if (parsed.kind === 'snapshot') snapshots.push(info.key);
      else updates.push({ key: info.key, parsed });
    }
    const limit = pLimit(this.readConcurrency);
    const read = (key: string, parsed: ParsedManifestKey) =>
      limit(async () => {
        try {
          return this.decode(key, parsed, await this.backend.get(key));
        } catch (err) {
          if (!(err instanceof ManifestObjectRefusedError)) throw err;
          problems.push(this.noteRefused(err, parsed));
          return null;
        }
      });

    let snapshotsApplied = 0;
    for (const key of snapshots) {
      const decoded = await read(key, parseManifestKey(key) as ParsedManifestKey);
      if (!decoded) continue;
      const problem = this.applyDecoded([decoded]);
      if (problem) problems.push(problem);
      else snapshotsApplied += 1;
    }

    let updatesCovered = 0;
    const toRead = updates.filter(({ key, parsed }) => {
      this.seen.set(parsed.deviceId, Math.max(this.seen.get(parsed.deviceId) ?? 0, parsed.seq));
      const covered = this.isApplied(key, parsed);
      if (covered) updatesCovered += 1;
      return !covered;
    });
    const decoded = (await Promise.all(toRead.map(({ key, parsed }) => read(key, parsed)))).filter((d): d is DecodedObject => d !== null);
    let updatesApplied = 0;
    this.doc.transact(() => {
      for (const object of decoded) {
        const problem = this.applyDecoded([object]);
        if (problem) problems.push(problem);
        else updatesApplied += 1;
      }
    }, this.origin);

    this.nextSeq = Math.max(this.nextSeq, (this.seen.get(this.deviceId) ?? 0) + 1, (this.applied.get(this.deviceId)?.max() ?? 0) + 1);
    this.loadedOnce = true;
    for (const problem of problems) this.log?.warn(problem.message, 'manifest');
    const waiting = this.isWaiting();
    if (waiting) this.log?.warn('some manifest changes wait for earlier changes that are missing; they appear once a good copy of the refused objects arrives', 'manifest');
    if (this.pending.length > 0) this.scheduleFlush();
    return { snapshotsApplied, updatesApplied, updatesCovered, problems, waiting };
  }

  /** Verifies and parses one object (throws ManifestObjectRefusedError). */
  private decode(key: string, parsed: ParsedManifestKey, bytes: Buffer): DecodedObject {
    const plaintext = decodeManifestObject(bytes, key, this.slotOf(parsed), this.keys);
    if (parsed.kind === 'update') return { key, parsed, update: plaintext };
    const { state, covers } = openSnapshotBody(key, plaintext);
    return { key, parsed, update: state, covers };
  }

  /** Applies decoded objects; returns the refusal for one Yjs could not read (nothing applied). */
  private applyDecoded(objects: DecodedObject[]): ManifestObjectRefusedError | null {
    for (const object of objects) {
      try {
        // Yjs reads every struct of an update before integrating any, so a malformed update
        // throws here without touching the document.
        Y.applyUpdateV2(this.doc, object.update, this.origin);
      } catch (err) {
        return this.noteRefused(new ManifestObjectRefusedError(object.key, 'its content is not a readable Yjs update', { cause: err }), object.parsed);
      }
      if (object.parsed.kind === 'update') this.markApplied(object.parsed.deviceId, object.parsed.seq);
      else {
        this.appliedSnapshots.set(object.key, { writer: object.parsed.writer });
        for (const [device, ranges] of object.covers ?? []) {
          const mine = this.applied.get(device) ?? new SeqRanges();
          mine.addAll(ranges);
          this.applied.set(device, mine);
          this.seen.set(device, Math.max(this.seen.get(device) ?? 0, ranges.max()));
        }
      }
    }
    return null;
  }

  // --- bookkeeping ------------------------------------------------------------------------------

  private slotOf(parsed: ParsedManifestKey): ObjectSlot {
    return parsed.kind === 'update'
      ? { repoId: this.repoId, kind: 'update', slot: `${parsed.deviceId}/${parsed.seq}` }
      : { repoId: this.repoId, kind: 'snapshot', slot: parsed.snapshotId };
  }

  private isApplied(key: string, parsed: ParsedManifestKey): boolean {
    return parsed.kind === 'update' ? (this.applied.get(parsed.deviceId)?.has(parsed.seq) ?? false) : this.appliedSnapshots.has(key);
  }

  private markApplied(deviceId: string, seq: number): void {
    const ranges = this.applied.get(deviceId) ?? new SeqRanges();
    ranges.add(seq);
    this.applied.set(deviceId, ranges);
    this.seen.set(deviceId, Math.max(this.seen.get(deviceId) ?? 0, seq));
  }

  private noteRefused(error: ManifestObjectRefusedError, parsed: ParsedManifestKey | null): ManifestObjectRefusedError {
    this.refused.set(error.key, error);
    if (parsed?.kind === 'update') this.seen.set(parsed.deviceId, Math.max(this.seen.get(parsed.deviceId) ?? 0, parsed.seq));
    return error;
  }

  private assertOpen(): void {
    if (this.closed) throw new ManifestStoreClosedError();
  }

  private assertLoaded(what: string): void {
    // Own seq numbers are only known after reading the snapshots that may cover deleted ones.
    if (!this.loadedOnce) throw new ManifestSetupError(`load() must finish before the store can ${what}`);
  }

  private runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(task, task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }
}
