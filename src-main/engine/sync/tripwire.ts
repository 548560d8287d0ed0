import * as Y from 'yjs';
import { CatalogueIndex } from '../catalogue/catalogue-index';
import type { CollectionEffect } from './pending-store';
import { mayRemove } from './update-effects';

export interface TripwireSettings {
  /** Hold a batch that removes more than this share (0..1) of a collection. */
  share: number;
  /** …when it removes at least this many artifacts or versions there. */
  minRemoved: number;
}

interface LiveSet {
  artifacts: Set<string>;
  versions: Set<string>;
}

/** Live (not deleted) artifacts and versions of every collection. */
export function liveByCollection(index: CatalogueIndex): Map<string, LiveSet> {
  const live = new Map<string, LiveSet>();
  for (const entry of index.artifacts.values()) {
    const claim = entry.claim;
    if (!claim || index.artifactTombstone(entry.id)) continue;
    let set = live.get(claim.collection);
    if (!set) live.set(claim.collection, (set = { artifacts: new Set(), versions: new Set() }));
    set.artifacts.add(entry.id);
    for (const version of entry.versions.all) if (!index.versionTombstone(version.id)) set.versions.add(version.id);
  }
  return live;
}

/**
 * What applying `updates` (one writer's batch, or a snapshot) would remove, per collection,
 * measured without touching the real document: the batch goes into a scratch copy, which is
 * materialised by the same index code the catalogue uses, and the live sets are compared.
 * Batches that cannot remove anything (most) skip the copy; see update-effects.ts.
 */
export function measureRemovals(doc: Y.Doc, index: CatalogueIndex, updates: readonly Uint8Array[]): CollectionEffect[] {
  // An empty catalogue (a device bootstrapping) has nothing to lose.
  if (index.artifacts.size === 0) return [];
  if (!updates.some((update) => mayRemove(doc, update))) return [];
  const before = liveByCollection(index);
  if (before.size === 0) return [];
  const scratch = new Y.Doc();
  Y.applyUpdateV2(scratch, Y.encodeStateAsUpdateV2(doc));
  for (const update of updates) Y.applyUpdateV2(scratch, update);
  const afterIndex = new CatalogueIndex(scratch);
  try {
    const after = liveByCollection(afterIndex);
    const effects: CollectionEffect[] = [];
    for (const [collection, was] of before) {
      const now = after.get(collection);
      const removedArtifacts = countMissing(was.artifacts, now?.artifacts);
      const removedVersions = countMissing(was.versions, now?.versions);
      if (removedArtifacts === 0 && removedVersions === 0) continue;
      const share = Math.max(ratio(removedArtifacts, was.artifacts.size), ratio(removedVersions, was.versions.size));
      effects.push({ collection, liveArtifacts: was.artifacts.size, removedArtifacts, liveVersions: was.versions.size, removedVersions, share });
    }
    return effects.sort((a, b) => b.share - a.share || (a.collection < b.collection ? -1 : 1));
  } finally {
    afterIndex.detach();
    scratch.destroy();
  }
}

/** The effects that trip the wire (empty: apply the batch). */
export function trippedBy(effects: readonly CollectionEffect[], settings: TripwireSettings): CollectionEffect[] {
  return effects.filter((e) => e.share > settings.share && Math.max(e.removedArtifacts, e.removedVersions) >= settings.minRemoved);
}

function countMissing(was: Set<string>, now: Set<string> | undefined): number {
  let missing = 0;
  for (const id of was) if (!now?.has(id)) missing += 1;
  return missing;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
