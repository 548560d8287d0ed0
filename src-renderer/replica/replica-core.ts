/**
 * The renderer's replica of the manifest (DESIGN.md 5): one long-lived Y.Doc, its updates stored
 * in IndexedDB, and the Library's tables (artifacts, versions) materialised from it.
 *
 * It knows nothing of the engine or of React: manifest-replica.ts feeds it (`manifest.state` when
 * the connection opens, `manifest.update` events in between) and it runs in a Web Worker when it
 * can (replica-worker.ts), so decoding and materialising 100k versions never blocks the window.
 *
 * Updates are stored after the rows they produced, so the tables are never behind the stored doc:
 * at the next start the Library reads the tables at once, and the doc reloads from the stored
 * updates without asking the engine for everything again.
 */
import * as Y from 'yjs';
import { clearCatalogueReplica, db, type ArtifactRow, type VersionRow } from '../db/schema';
import { base64ToBytes, bytesToBase64 } from './base64';
import { indexedMapNames, ManifestIndex, type IndexedMapName } from './manifest-index';

/** Bumped when the shape of the materialised rows changes: older tables are rebuilt. */
const replicaFormat = 1;
/** Stored updates beyond this are compacted into one snapshot of the doc. */
const compactAfterUpdates = 200;
/** Changes within this window are written together. */
const flushDelayMs = 40;
/**
 * Rows per IndexedDB transaction when a batch is large (the first sync): small enough that the
 * Library's reads get in between the writes.
 */
const rowsPerTransaction = 2000;

interface ReplicaMeta {
  format: number;
  repositoryId: string | null;
}

/** What the core tells its host: counts, and `changed` when the tables were written. */
export interface ReplicaReport {
  artifacts: number;
  versions: number;
  malformedRecords: number;
  changed: boolean;
  error: string | null;
}

/** Transaction origins: replaying our own stored updates is not a change to store again. */
const fromStorage = Symbol('storage');
const fromEngine = Symbol('engine');

export class ReplicaCore {
  private readonly doc = new Y.Doc();
  private readonly index = new ManifestIndex();
  private readonly mapNames = new Map<Y.AbstractType<unknown>, IndexedMapName>();
  private pendingUpdates: Uint8Array[] = [];
  private touched = new Set<string>();
  private storedUpdates = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private meta: ReplicaMeta = { format: replicaFormat, repositoryId: null };

  constructor(private readonly report: (report: ReplicaReport) => void) {
    for (const name of indexedMapNames) this.mapNames.set(this.doc.getMap(name) as Y.AbstractType<unknown>, name);
  }

  /** Replays the stored updates into the doc and the index, writing nothing back. */
  async load(): Promise<void> {
    const meta = (await db.meta.get('replica'))?.value as ReplicaMeta | undefined;
    if (meta && meta.format !== replicaFormat) await clearCatalogueReplica();
    else if (meta) this.meta = meta;
    const rows = await db.manifestUpdates.toArray();
    this.storedUpdates = rows.length;
    this.doc.transact(() => {
      for (const row of rows) Y.applyUpdateV2(this.doc, row.update, fromStorage);
    }, fromStorage);
    for (const name of indexedMapNames) this.doc.getMap(name).forEach((value, key) => this.index.apply(name, key, value));
    this.doc.on('afterTransaction', this.onTransaction);
    this.doc.on('updateV2', this.onUpdate);
    this.publish(false);
  }

  /**
   * Ties the local copy to the engine's repository. 'other' means it describes a different
   * repository (another one behind the same address): the host must drop it and start again.
   */
  async adoptRepository(repositoryId: string): Promise<'ok' | 'other'> {
    if (this.meta.repositoryId === repositoryId) return 'ok';
    if (this.meta.repositoryId !== null) return 'other';
    this.meta = { format: replicaFormat, repositoryId };
    await db.meta.put({ key: 'replica', value: this.meta });
    return 'ok';
  }

  /** What this replica has, for `manifest.state`. */
  stateVector(): string {
    return bytesToBase64(Y.encodeStateVector(this.doc));
  }

  apply(update: string): void {
    try {
      Y.applyUpdateV2(this.doc, base64ToBytes(update), fromEngine);
    } catch (err) {
      this.publish(false, `A manifest update from the engine could not be applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Resolves once everything applied so far is in the tables and stored. */
  flush(): Promise<void> {
    return this.flushNow();
  }

  // Yjs emits afterTransaction before updateV2, so both schedule the write.
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === fromStorage) return;
    this.pendingUpdates.push(update);
    this.scheduleFlush();
  };

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

  private scheduleFlush(): void {
    if (this.flushTimer === null) this.flushTimer = setTimeout(() => void this.flushNow(), flushDelayMs);
  }

  /**
   * Writes the rows the pending updates changed, then the updates. Both are taken from the doc
   * at the same instant (synchronously, below), so they describe the same state.
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

    // Rows first, the updates that produced them last. A crash in between leaves rows newer than
    // the stored doc; the next start asks the engine for what the stored doc lacks, and the
    // artifacts it touches are written again. (The other order could leave rows behind for good.)
    // Large batches go in slices so the Library shows artifacts before all versions are written.
    const write = async () => {
      for (let i = 0; i < artifacts.length; i += rowsPerTransaction) await db.artifacts.bulkPut(artifacts.slice(i, i + rowsPerTransaction));
      if (versions.length > rowsPerTransaction) this.publish(true);
      for (let i = 0; i < versions.length; i += rowsPerTransaction) await db.versions.bulkPut(versions.slice(i, i + rowsPerTransaction));
      await db.transaction('rw', db.manifestUpdates, async () => {
        if (compact) await db.manifestUpdates.clear();
        await db.manifestUpdates.bulkAdd(stored.map((update) => ({ update })));
      });
      this.storedUpdates = compact ? 1 : this.storedUpdates + stored.length;
      this.publish(true);
    };
    this.writing = this.writing.then(write).catch((err: unknown) => {
      this.publish(false, `The local copy could not be saved: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.writing;
  }

  private publish(changed: boolean, error: string | null = null): void {
    this.report({
      artifacts: this.index.artifactCount,
      versions: this.index.versionCount,
      malformedRecords: this.index.malformedRecords,
      changed,
      error,
    });
  }
}
