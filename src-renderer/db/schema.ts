/**
 * The renderer's local replica (IndexedDB through Dexie). Everything here is derived from the
 * engine's manifest and can be rebuilt (Settings → Rebuild local copy); it exists so views open
 * instantly and offline.
 *
 * Bump the version and add a `stores()` step for every schema change; never edit an old step.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { VersionStatus } from '../../src-shared/catalogue/lifecycle';
import type { VersionView } from '../../src-shared/catalogue/views';

export interface LogRow {
  id?: number;
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  area?: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/**
 * One artifact as the Library lists it. IndexedDB cannot index booleans or null, so the indexed
 * fields are numbers and strings: `deleted` is 0/1, `status` is 'none' for an artifact whose
 * versions are all deleted, `size` is 0 then.
 */
export interface ArtifactRow {
  id: string;
  collection: string;
  name: string;
  /** Lower-cased name: the name sort and exact-prefix search. */
  nameLower: string;
  /** The lower-cased name and each of its words: word-prefix search (multiEntry index). */
  words: string[];
  type: string;
  tags: string[];
  status: VersionStatus | 'none';
  description: string | null;
  license: string | null;
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  size: number;
  headVersionId: string | null;
  headNumber: number | null;
  versionCount: number;
  deleted: 0 | 1;
}

/** One version, as the contract's VersionView (the timeline reads these). */
export type VersionRow = VersionView;

/** One stored Yjs update (V2) of the renderer's manifest replica; compacted into one row now and then. */
export interface ManifestUpdateRow {
  seq?: number;
  update: Uint8Array;
}

export class CairnDatabase extends Dexie {
  logs!: EntityTable<LogRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  artifacts!: EntityTable<ArtifactRow, 'id'>;
  versions!: EntityTable<VersionRow, 'id'>;
  manifestUpdates!: EntityTable<ManifestUpdateRow, 'seq'>;

  constructor(name = 'cairn') {
    super(name);
    this.version(1).stores({
      logs: '++id, time, level',
      meta: 'key',
    });
    // The catalogue replica: artifacts and versions materialised from the manifest, and the
    // manifest's own updates so the Y.Doc reloads without asking the engine for everything.
    this.version(2).stores({
      artifacts: 'id, nameLower, *words, type, *tags, status, collection, updatedAt, size, deleted',
      // No plain artifactId index: the compound one answers "versions of an artifact", and every
      // index costs time on the first sync of a large catalogue.
      versions: 'id, [artifactId+number], sha256, createdAt, status',
      manifestUpdates: '++seq',
    });
  }
}

export const db = new CairnDatabase();

/** Keeps the log table bounded: the activity feed shows recent lines, not history forever. */
export async function appendLog(row: LogRow, keep = 2000): Promise<void> {
  await db.transaction('rw', db.logs, async () => {
    await db.logs.add(row);
    const count = await db.logs.count();
    if (count > keep) {
      const oldest = await db.logs.orderBy('id').limit(count - keep).primaryKeys();
      await db.logs.bulkDelete(oldest);
    }
  });
}

/** Set once the local copy has caught up with the engine for the first time (it is complete). */
export const replicaCompleteKey = 'replica.complete';

/** Drops everything derived from the manifest (the next start rebuilds it from the engine). */
export async function clearCatalogueReplica(): Promise<void> {
  await db.transaction('rw', [db.artifacts, db.versions, db.manifestUpdates, db.meta], async () => {
    await Promise.all([db.artifacts.clear(), db.versions.clear(), db.manifestUpdates.clear(), db.meta.bulkDelete(['replica', replicaCompleteKey])]);
  });
}
