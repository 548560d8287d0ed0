import pLimit from 'p-limit';
import { CairnError } from '../../../src-shared/errors';
import { ObjectNotFoundError, type Backend } from '../backends/backend';
import type { Catalogue } from '../catalogue/catalogue';
import { packKey } from '../repo/blob';
import type { Repository } from '../repo/repository';
import { decodeTree, type Tree } from '../repo/tree';

/**
 * Which trees the catalogue still needs, and which blobs they reach, for garbage collection in
 * the shared bucket. Trees are read with range requests (from the local folder when it has the
 * pack, else from the bucket) and never cached: a walk over every version must not download
 * every pack.
 */
export interface TreeSets {
  live: Set<string>;
  /** Trees of versions deleted longer ago than the grace period (and not live elsewhere). */
  dead: Set<string>;
}

export function treeSets(catalogue: Catalogue, options: { graceMs: number; now: number }): TreeSets {
  const index = catalogue.index;
  const cutoff = options.now - options.graceMs;
  const live = new Set<string>();
  const deleted = new Set<string>();
  // Every entry, claimed or not: a version whose artifact claim has not arrived still counts.
  for (const entry of index.artifacts.values()) {
    for (const version of entry.versions.all) {
      const deletedAt = index.deletedAt(version);
      if (deletedAt === null || deletedAt > cutoff) live.add(version.treeId);
      else deleted.add(version.treeId);
    }
  }
  for (const treeId of live) deleted.delete(treeId);
  return { live, dead: deleted };
}

export async function readTreeAnywhere(repo: Repository, local: Backend, bucket: Backend, treeId: string): Promise<Tree> {
  const location = repo.locate(treeId);
  if (!location) {
    throw new CairnError('CORRUPT', `Tree ${treeId} of a live version is in no index this device has; garbage collection stopped and deleted nothing.`, {
      hint: 'Let sync finish copying every device\'s index (`cairn sync --once`), then try again.',
    });
  }
  const key = packKey(location.packId);
  const range = { offset: location.offset, length: location.storedLength };
  let stored: Buffer;
  try {
    stored = await local.get(key, range);
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    stored = await bucket.get(key, range);
  }
  return decodeTree(repo.decodeBlob(treeId, location, stored), treeId);
}

/** Every blob (trees and chunks) the given trees reach. */
export async function reachableBlobs(repo: Repository, local: Backend, bucket: Backend, treeIds: Iterable<string>, concurrency: number): Promise<Set<string>> {
  const blobs = new Set<string>();
  const limit = pLimit(concurrency);
  await Promise.all(
    [...treeIds].map((treeId) =>
      limit(async () => {
        blobs.add(treeId);
        const tree = await readTreeAnywhere(repo, local, bucket, treeId);
        for (const entry of tree.entries) if (entry.type === 'file') for (const chunk of entry.chunks) blobs.add(chunk);
      }),
    ),
  );
  return blobs;
}
