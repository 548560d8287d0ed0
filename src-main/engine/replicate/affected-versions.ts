import type { Catalogue } from '../catalogue/catalogue';
import { packIdFromKey } from '../repo/blob';
import { decodeIndexSegment, parseIndexKey } from '../repo/index-format';
import type { Repository } from '../repo/repository';
import { blobsOfTree } from './version-blobs';

/** A catalogue version whose content depends on a damaged or missing object. */
export interface AffectedVersion {
  versionId: string;
  /** `collection/name@vN`. */
  reference: string;
}

/**
 * Which versions each bad repository object affects, so a verify report can say what is at
 * stake rather than only which object. A pack maps to the blobs in it through the local index;
 * an index segment to the blobs it locates (read from the local copy); blobs map to trees and
 * trees to the catalogue's versions. Other objects (config, keys, manifest) affect the
 * repository as a whole and list no versions. Trees are read from the local repository, which
 * verify uses as its reference.
 */
export async function findAffectedVersions(repo: Repository, catalogue: Catalogue, keys: readonly string[]): Promise<Map<string, AffectedVersion[]>> {
  const blobsByKey = new Map<string, Set<string>>();
  const packsWanted = new Map<string, string>();
  for (const key of keys) {
    const packId = packIdFromKey(key);
    if (packId) packsWanted.set(packId, key);
    else if (parseIndexKey(key)) blobsByKey.set(key, await blobsLocatedBy(repo, key));
    blobsByKey.set(key, blobsByKey.get(key) ?? new Set());
  }
  if (packsWanted.size > 0) {
    for (const [blobId, location] of repo.indexEntries()) {
      const key = packsWanted.get(location.packId);
      if (key) blobsByKey.get(key)!.add(blobId);
    }
  }

  const result = new Map<string, AffectedVersion[]>(keys.map((key) => [key, []]));
  const interesting = [...blobsByKey].filter(([, blobs]) => blobs.size > 0);
  if (interesting.length === 0) return result;

  const treeBlobs = new Map<string, Set<string>>();
  for (const { entry } of catalogue.allArtifacts()) {
    for (const version of entry.versions.all) {
      let blobs = treeBlobs.get(version.treeId);
      if (!blobs) {
        blobs = await blobsOfTree(repo, version.treeId);
        treeBlobs.set(version.treeId, blobs);
      }
      for (const [key, damaged] of interesting) {
        if (intersects(blobs, damaged)) result.get(key)!.push({ versionId: version.id, reference: catalogue.label(version) });
      }
    }
  }
  return result;
}

async function blobsLocatedBy(repo: Repository, key: string): Promise<Set<string>> {
  const blobs = new Set<string>();
  try {
    const entries = decodeIndexSegment(key, await repo.backend.get(key), repo.cipher);
    for (const list of entries.values()) for (const blob of list) blobs.add(blob.id);
  } catch {
    // The local copy is gone or damaged too: the versions cannot be named from here.
  }
  return blobs;
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const item of small) if (large.has(item)) return true;
  return false;
}
