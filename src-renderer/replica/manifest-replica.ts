/**
 * The renderer's replica of the manifest (DESIGN.md 5): one long-lived Y.Doc, fed by
 * `manifest.state` (what we lack, given our state vector) whenever the connection opens and by
 * `manifest.update` events in between. Its updates are stored in IndexedDB and the Library's
 * tables are materialised from it in the same Dexie transaction, so the stored updates and the
 * tables always describe the same state; at the next start the Library reads the tables at once
 * and the doc reloads from the stored updates without asking the engine for everything again.
 */
import * as Y from 'yjs';
import { api, onConnectionState } from '../api/client';
import { describeError } from '../api/errors';
import { clearCatalogueReplica, db, type ArtifactRow, type VersionRow } from '../db/schema';
import { useReplicaStore } from '../state/replica-store';
import { base64ToBytes, bytesToBase64 } from './base64';
import { indexedMapNames, ManifestIndex, type IndexedMapName } from './manifest-index';

/** Bumped when the shape of the materialised rows changes: older tables are rebuilt. */
const replicaFormat = 1;
/** Stored updates beyond this are compacted into one snapshot of the doc. */
const compactAfterUpdates = 200;
/** Changes within this window are written together. */
const flushDelayMs = 40;

interface ReplicaMeta {
  format: number;
  repositoryId: string;
}

/** Transaction origins: replaying our own stored updates is not a change to store again. */
const fromStorage = Symbol('storage');
const fromEngine = Symbol('engine');

export class ManifestReplica {
  private readonly doc = new Y.Doc();
  private readonly index = new ManifestIndex();
  private readonly mapNames = new Map<Y.AbstractType<unknown>, IndexedMapName>();
  private pendingUpdates: Uint8Array[] = [];
  private touched = new Set<string>();
  private storedUpdates = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private meta: ReplicaMeta | null = null;
  private readonly stops: (() => void)[] = [];

  constructor() {
    for (const name of indexedMapNames) this.mapNames.set(this.doc.getMap(name) as Y.AbstractType<unknown>, name);
  }

  async start(): Promise<void> {
    const store = useReplicaStore.getState();
    store.set({ phase: 'loading' });
    try {
      await this.loadStored();
    } catch (err) {
      // The local copy is derived data: when it cannot be read, drop it and start again from the
      // engine (once: a second failure in a row is shown, not retried forever).
      if (sessionStorage.getItem('cairn.replica.rebuilt') === null) {
        sessionStorage.setItem('cairn.replica.rebuilt', '1');
        await clearCatalogueReplica().catch(() => undefined);
        window.location.reload();
        return;
      }
      store.set({ phase: 'error', error: `The local copy could not be read: ${describeError(err)}. Use Settings → Rebuild local copy.` });
      return;
    }
    sessionStorage.removeItem('cairn.replica.rebuilt');
    this.doc.on('afterTransaction', this.onTransaction);
    this.doc.on('updateV2', this.onUpdate);
    this.publishCounts();
    this.stops.push(
      api.on('manifest.update', ({ update }) => this.applyFromEngine(update)),
      onConnectionState((state) => {
        if (state === 'open') void this.handshake();
      }),
    );
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.doc.off('afterTransaction', this.onTransaction);
    this.doc.off('updateV2', this.onUpdate);
  }

  /** Replays the stored updates into the doc and the index without writing anything back. */
  private async loadStored(): Promise<void> {
    const meta = (await db.meta.get('replica'))?.value as ReplicaMeta | undefined;
    if (meta && meta.format !== replicaFormat) {
      await clearCatalogueReplica();
      return;
    }
    this.meta = meta ?? null;
    const rows = await db.manifestUpdates.toArray();
    this.storedUpdates = rows.length;
    this.doc.transact(() => {
      for (const row of rows) Y.applyUpdateV2(this.doc, row.update, fromStorage);
    }, fromStorage);
    for (const name of indexedMapNames) {
      this.doc.getMap(name).forEach((value, key) => this.index.apply(name, key, value));
    }
  }

  /** Asks the engine for what this replica lacks; run whenever the connection (re)opens. */
  private async handshake(): Promise<void> {
    const store = useReplicaStore.getState();
    store.set({ phase: 'syncing' });
    try {
      const status = await api['engine.status']({});
      const repository = status.repository;
      if (!repository) {
        store.set({ phase: 'no-repository' });
        return;
      }
      if (this.meta && this.meta.repositoryId !== repository.id) {
        // Another repository behind the same address: this copy describes something else.
        await clearCatalogueReplica();
        window.location.reload();
        return;
      }
      if (!this.meta) {
        this.meta = { format: replicaFormat, repositoryId: repository.id };
        await db.meta.put({ key: 'replica', value: this.meta });
      }
      const vector = bytesToBase64(Y.encodeStateVector(this.doc));
      performance.mark('replica-state-asked');
      const { update } = await api['manifest.state']({ stateVector: vector });
      performance.mark('replica-state-received');
      this.applyFromEngine(update);
      performance.mark('replica-state-applied');
      await this.flushNow();
      performance.mark('replica-state-stored');
      store.set({ phase: 'ready', error: null, lastSyncAt: Date.now() });
    } catch (err) {
      store.set({ phase: 'error', error: `The local copy could not catch up with the engine: ${describeError(err)}` });
    }
  }

  private applyFromEngine(update: string): void {
    try {
      Y.applyUpdateV2(this.doc, base64ToBytes(update), fromEngine);
    } catch (err) {
      useReplicaStore.getState().set({ phase: 'error', error: `A manifest update from the engine could not be applied: ${describeError(err)}` });
    }
  }

  // Yjs emits afterTransaction before updateV2, so both schedule the write.
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === fromStorage) return;
    this.pendingUpdates.push(update);
    this.scheduleFlush();
  };

  private scheduleFlush(): void {
    if (this.flushTimer === null) this.flushTimer = setTimeout(() => void this.flushNow(), flushDelayMs);
  }

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.origin === fromStorage) return;
    for (const [type, keys] of transaction.changed) {
      const name = this.mapNames.get(type as Y.AbstractType<unknown>);
      if (!name) continue;
      const map = this.doc.getMap<unknown>(name);
      for (const key of keys) {
        if (key === null) continue;
        const artifactId = this.index.apply(name, key, map.get(key));
        if (artifactId) this.touched.add(artifactId);
      }
    }
    if (this.touched.size > 0) this.scheduleFlush();
  };

  /**
   * Writes the updates and the rows they change in one transaction. Both are taken from the
   * doc at the same instant, so the tables and the stored updates never disagree.
   */
  private flushNow(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const updates = this.pendingUpdates;
    const touched = this.touched;
    this.pendingUpdates = [];
    this.touched = new Set();
    if (updates.length === 0 && touched.size === 0) return this.writing;

    const artifacts: ArtifactRow[] = [];
    const versions: VersionRow[] = [];
    for (const id of touched) {
      const row = this.index.artifactRow(id);
      if (!row) continue;
      artifacts.push(row);
      for (const version of this.index.versionRows(id)) versions.push(version);
    }
    const compact = this.storedUpdates + updates.length > compactAfterUpdates;
    const stored = compact ? [Y.encodeStateAsUpdateV2(this.doc)] : updates;

    const write = async () => {
      await db.transaction('rw', [db.artifacts, db.versions, db.manifestUpdates], async () => {
        if (compact) await db.manifestUpdates.clear();
        await db.manifestUpdates.bulkAdd(stored.map((update) => ({ update })));
        await db.artifacts.bulkPut(artifacts);
        await db.versions.bulkPut(versions);
      });
      this.storedUpdates = compact ? 1 : this.storedUpdates + stored.length;
      this.publishCounts(true);
    };
    this.writing = this.writing.then(write).catch((err: unknown) => {
      useReplicaStore.getState().set({ phase: 'error', error: `The local copy could not be saved: ${describeError(err)}` });
    });
    return this.writing;
  }

  private publishCounts(changed = false): void {
    const store = useReplicaStore.getState();
    store.set({
      artifacts: this.index.artifactCount,
      versions: this.index.versionCount,
      malformedRecords: this.index.malformedRecords,
      ...(changed ? { revision: store.revision + 1 } : {}),
    });
  }
}

let replica: ManifestReplica | null = null;

/** Starts the one replica of this window (idempotent). */
export function startReplica(): () => void {
  if (!replica) {
    replica = new ManifestReplica();
    void replica.start();
  }
  return () => {
    replica?.stop();
    replica = null;
  };
}

/** Settings → Rebuild local copy: the tables are derived, so dropping them loses nothing. */
export async function rebuildLocalCopy(): Promise<void> {
  replica?.stop();
  replica = null;
  await clearCatalogueReplica();
  window.location.reload();
}
