/**
 * The Library's source once the local copy is filled: the Dexie tables the replica materialises
 * from the manifest (replica/). Queries touch indexes only (see queryArtifactIds).
 */
import { db, replicaCompleteKey } from '../db/schema';
import type { CatalogueSource, Facets, LibraryQuery, SortKey } from './library-query';

const sortIndex: Record<SortKey, 'nameLower' | 'updatedAt' | 'size'> = { name: 'nameLower', updated: 'updatedAt', size: 'size' };
const hexPrefix = /^(?:sha256:)?([0-9a-f]{4,64})$/;

/** Artifact ids matching one search word (union of name words, tags, type, digest prefix). */
async function idsForWord(word: string): Promise<Set<string>> {
  const found = new Set<string>();
  const add = (keys: string[]) => keys.forEach((k) => found.add(k));
  const digest = hexPrefix.exec(word)?.[1];
  await Promise.all([
    db.artifacts.where('words').startsWith(word).primaryKeys().then(add),
    db.artifacts.where('tags').startsWithIgnoreCase(word).primaryKeys().then(add),
    db.artifacts.where('type').startsWith(word).primaryKeys().then(add),
    digest
      ? db.versions
          .where('sha256')
          .startsWith(digest)
          .limit(10_000)
          .toArray()
          .then((versions) => versions.forEach((v) => found.add(v.artifactId)))
      : Promise.resolve(),
  ]);
  return found;
}

/**
 * Index-only work: the sorted primary keys come from one getAllKeys on the sort index, each
 * filter from one equality lookup, and they are intersected in memory. No row is read, so this
 * stays fast with 100k artifacts.
 */
async function queryArtifactIds(query: LibraryQuery): Promise<string[]> {
  // The versions table joins only for a digest search: a read that includes it waits for the
  // replica's writes to it (the first sync writes 100k versions).
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  const tables = words.some((w) => hexPrefix.test(w)) ? [db.artifacts, db.versions] : [db.artifacts];
  return db.transaction('r', tables, async () => {
    const filters: Promise<Set<string>>[] = [];
    const keySet = (keys: Promise<string[]>) => keys.then((k) => new Set(k));
    if (query.type) filters.push(keySet(db.artifacts.where('type').equals(query.type).primaryKeys()));
    if (query.tag) filters.push(keySet(db.artifacts.where('tags').equals(query.tag).primaryKeys()));
    if (query.status) filters.push(keySet(db.artifacts.where('status').equals(query.status).primaryKeys()));
    if (query.collection) filters.push(keySet(db.artifacts.where('collection').equals(query.collection).primaryKeys()));
    for (const word of words) filters.push(idsForWord(word));
    const [ordered, deleted, ...sets] = await Promise.all([
      db.artifacts.orderBy(sortIndex[query.sort]).primaryKeys(),
      query.showDeleted ? Promise.resolve(new Set<string>()) : keySet(db.artifacts.where('deleted').equals(1).primaryKeys()),
      ...filters,
    ]);
    const ids = ordered.filter((id) => !deleted.has(id) && sets.every((set) => set.has(id)));
    return query.descending ? ids.reverse() : ids;
  });
}

async function facets(): Promise<Facets> {
  const [types, tags, collectionNames, all, deleted] = await Promise.all([
    db.artifacts.orderBy('type').uniqueKeys(),
    db.artifacts.orderBy('tags').uniqueKeys(),
    db.artifacts.orderBy('collection').uniqueKeys(),
    db.artifacts.count(),
    db.artifacts.where('deleted').equals(1).count(),
  ]);
  const collections = await Promise.all(
    (collectionNames as string[]).map(async (name) => ({ name, count: await db.artifacts.where('collection').equals(name).count() })),
  );
  return { types: types as string[], tags: tags as string[], collections, artifactCount: all - deleted };
}

/** The local copy (Dexie tables materialised from the manifest): instant, offline, live. */
export const replicaSource: CatalogueSource = {
  name: 'local copy',
  async queryArtifacts(query) {
    const ids = await queryArtifactIds(query);
    return {
      total: ids.length,
      page: async (offset, limit) => (await db.artifacts.bulkGet(ids.slice(offset, offset + limit))).filter((row) => row !== undefined),
    };
  },
  facets,
};

/** One artifact of the local copy, for live queries. */
export const replicaArtifact = (id: string) => db.artifacts.get(id);

/** Every version of an artifact in the local copy, in number order, for live queries. */
export const replicaVersions = (artifactId: string) => db.versions.where('[artifactId+number]').between([artifactId, 0], [artifactId, Infinity]).toArray();

/** Whether the local copy has caught up with the engine once (until then it is partial). */
export const replicaIsComplete = async () => (await db.meta.get(replicaCompleteKey))?.value === true;
