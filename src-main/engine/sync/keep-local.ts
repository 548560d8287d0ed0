import pLimit from 'p-limit';
import type { Catalogue } from '../catalogue/catalogue';
import { packKey } from '../repo/blob';
import type { Repository } from '../repo/repository';
import { decodeTree } from '../repo/tree';
import type { ReadThroughBackend } from './read-through-backend';

/**
 * "Keep a local copy" for chosen collections (a device-local setting): the packs of their live
 * versions are fetched as soon as the versions arrive, instead of on first restore, so they are
 * there offline. Trees already handled in this process are remembered and skipped.
 */
export class KeepLocalFetcher {
  private readonly done = new Set<string>();

  constructor(
    private readonly repo: Repository,
    private readonly catalogue: Catalogue,
    private readonly backend: ReadThroughBackend,
    private readonly concurrency: number,
  ) {}

  /** Fetches what the collections' live versions need; returns how many packs came. */
  async fetch(collections: readonly string[]): Promise<number> {
    if (collections.length === 0 || !this.backend.attached) return 0;
    const wanted = new Set(collections);
    const index = this.catalogue.index;
    const trees = new Set<string>();
    for (const { entry, claim } of this.catalogue.allArtifacts()) {
      if (!wanted.has(claim.collection) || index.artifactTombstone(entry.id)) continue;
      for (const version of entry.versions.all) if (!index.versionTombstone(version.id) && !this.done.has(version.treeId)) trees.add(version.treeId);
    }
    const before = this.backend.fetched.packs;
    const limit = pLimit(this.concurrency);
    for (const treeId of trees) {
      if (!this.repo.locate(treeId)) continue; // its index has not arrived yet: next round
      const tree = decodeTree(await this.repo.readBlob(treeId), treeId);
      const packs = new Set<string>();
      for (const entry of tree.entries) {
        if (entry.type !== 'file') continue;
        for (const chunk of entry.chunks) {
          const location = this.repo.locate(chunk);
          if (location) packs.add(location.packId);
        }
      }
      await Promise.all([...packs].map((packId) => limit(() => this.backend.ensureLocal(packKey(packId)))));
      this.done.add(treeId);
    }
    // Reading the tree may already have fetched its pack: count every pack fetched meanwhile.
    return this.backend.fetched.packs - before;
  }
}
