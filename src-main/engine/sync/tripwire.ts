import * as Y from 'yjs';
import { isNewerStamp, subjectOf, type TombstoneCandidate } from '../../../src-shared/catalogue/records';
import { CatalogueIndex } from '../catalogue/catalogue-index';
import type { CollectionEffect } from './pending-store';
import { removalEffects } from './update-effects';

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
 * without touching the real document. Most batches cannot remove anything and cost a decode
 * (update-effects.ts). Batches that only bring tombstones, the way Cairn deletes, are judged
 * against the catalogue's own registers. Anything else (items removed at the Yjs level) goes
 * into a scratch copy of the document, materialised by the same index code the catalogue
 * uses, and the live sets are compared.
 */
export function measureRemovals(doc: Y.Doc, index: CatalogueIndex, updates: readonly Uint8Array[]): CollectionEffect[] {
  // An empty catalogue (a device bootstrapping) has nothing to lose.
  if (index.artifacts.size === 0) return [];
  const effects = updates.map((update) => removalEffects(doc, update));
  if (effects.some((e) => e.structural)) return measureInScratchCopy(doc, index, updates);
  const tombstones = effects.flatMap((e) => e.tombstones);
  if (!tombstones.some((candidate) => candidate.value)) return [];
  return compare(liveByCollection(index), deletedBy(index, tombstones));
}

/** Artifacts and versions that become deleted when `candidates` join the registers. */
function deletedBy(index: CatalogueIndex, candidates: readonly TombstoneCandidate[]): { artifacts: Set<string>; versions: Set<string> } {
  const winners = new Map<string, TombstoneCandidate>();
  for (const candidate of candidates) {
    const subject = subjectOf.tombstone(candidate);
    const current = winners.get(subject) ?? index.tombstones.winner(subject);
    if (!current || isNewerStamp(candidate, current)) winners.set(subject, candidate);
  }
  const artifacts = new Set<string>();
  const versions = new Set<string>();
  for (const [subject, winner] of winners) {
    if (!winner.value || index.tombstones.winner(subject)?.value === true) continue;
    if (winner.target === 'version') versions.add(winner.id);
    else {
      artifacts.add(winner.id);
      for (const version of index.artifacts.get(winner.id)?.versions.all ?? []) versions.add(version.id);
    }
  }
  return { artifacts, versions };
}

function measureInScratchCopy(doc: Y.Doc, index: CatalogueIndex, updates: readonly Uint8Array[]): CollectionEffect[] {
  const before = liveByCollection(index);
  const scratch = new Y.Doc();
  Y.applyUpdateV2(scratch, Y.encodeStateAsUpdateV2(doc));
  for (const update of updates) Y.applyUpdateV2(scratch, update);
  const afterIndex = new CatalogueIndex(scratch);
  try {
    const after = liveByCollection(afterIndex);
    const gone = { artifacts: new Set<string>(), versions: new Set<string>() };
    for (const [collection, was] of before) {
      const now = after.get(collection);
      for (const id of was.artifacts) if (!now?.artifacts.has(id)) gone.artifacts.add(id);
      for (const id of was.versions) if (!now?.versions.has(id)) gone.versions.add(id);
    }
    return compare(before, gone);
  } finally {
    afterIndex.detach();
    scratch.destroy();
  }
}

/** Per collection: how much of what is live now `gone` takes away. */
function compare(before: Map<string, LiveSet>, gone: { artifacts: Set<string>; versions: Set<string> }): CollectionEffect[] {
  const effects: CollectionEffect[] = [];
  for (const [collection, was] of before) {
    const removedArtifacts = countIn(was.artifacts, gone.artifacts);
    const removedVersions = countIn(was.versions, gone.versions);
    if (removedArtifacts === 0 && removedVersions === 0) continue;
    const share = Math.max(ratio(removedArtifacts, was.artifacts.size), ratio(removedVersions, was.versions.size));
    effects.push({ collection, liveArtifacts: was.artifacts.size, removedArtifacts, liveVersions: was.versions.size, removedVersions, share });
  }
  return effects.sort((a, b) => b.share - a.share || (a.collection < b.collection ? -1 : 1));
}

/** The effects that trip the wire (empty: apply the batch). */
export function trippedBy(effects: readonly CollectionEffect[], settings: TripwireSettings): CollectionEffect[] {
  return effects.filter((e) => e.share > settings.share && Math.max(e.removedArtifacts, e.removedVersions) >= settings.minRemoved);
}

function countIn(live: Set<string>, gone: Set<string>): number {
  let count = 0;
  for (const id of live) if (gone.has(id)) count += 1;
  return count;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
