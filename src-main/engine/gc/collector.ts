import { CairnError } from '../../../src-shared/errors';
import { crashPoint } from '../crash/crash-points';
import { packIdFromKey, packKey } from '../repo/blob';
import type { Repository } from '../repo/repository';
import { decodeTree } from '../repo/tree';

export interface GcOptions {
  /** Only report what would happen. */
  dryRun?: boolean;
  /** Repack a pack when at least this share of its bytes is garbage (default 0.5). */
  repackThreshold?: number;
  /** Packs nobody indexed (left by an interrupted write) are deleted once older than this. */
  orphanGraceMs?: number;
  now?: number;
}

export interface GcReport {
  dryRun: boolean;
  liveTrees: number;
  liveBlobs: number;
  packsBefore: number;
  bytesBefore: number;
  packsDeleted: number;
  packsRepacked: number;
  orphanPacksDeleted: number;
  bytesAfter: number;
  bytesFreed: number;
}

/**
 * Garbage collection of the byte layer. `liveTreeIds` comes from the catalogue (every version
 * not tombstoned, plus tombstones still inside their grace period); every blob those trees
 * reach is kept. Packs holding only garbage are deleted, mostly-garbage packs are rewritten
 * with their live blobs, and the index is rewritten before anything is deleted, so a crash at
 * any point leaves every live blob reachable.
 */
export async function collectGarbage(repo: Repository, liveTreeIds: Iterable<string>, options: GcOptions = {}): Promise<GcReport> {
  const threshold = options.repackThreshold ?? 0.5;
  const now = options.now ?? Date.now();
  const orphanGraceMs = options.orphanGraceMs ?? 24 * 60 * 60 * 1000;

  const live = new Set<string>();
  let liveTrees = 0;
  for (const treeId of liveTreeIds) {
    if (live.has(treeId)) continue;
    if (!repo.locate(treeId)) {
      throw new CairnError('CORRUPT', `Tree ${treeId} of a live version is missing from the repository; garbage collection stopped and deleted nothing.`, {
        hint: 'Run `cairn check` to see what is damaged before collecting garbage.',
      });
    }
    live.add(treeId);
    liveTrees++;
    const tree = decodeTree(await repo.readBlob(treeId), treeId);
    for (const entry of tree.entries) if (entry.type === 'file') for (const chunk of entry.chunks) live.add(chunk);
  }

  const onBackend = new Map<string, { size: number; modified: Date }>();
  for await (const object of repo.backend.list('packs/')) {
    const packId = packIdFromKey(object.key);
    if (packId) onBackend.set(packId, { size: object.size, modified: object.modified });
  }
  const bytesBefore = [...onBackend.values()].reduce((s, p) => s + p.size, 0);

  const liveBytesByPack = new Map<string, number>();
  const liveBlobsByPack = new Map<string, string[]>();
  for (const [id, location] of repo.indexEntries()) {
    if (!live.has(id)) continue;
    liveBytesByPack.set(location.packId, (liveBytesByPack.get(location.packId) ?? 0) + location.storedLength);
    const list = liveBlobsByPack.get(location.packId) ?? [];
    list.push(id);
    liveBlobsByPack.set(location.packId, list);
  }
  const toDelete = new Set<string>();
  const toRepack = new Set<string>();
  for (const [packId, usage] of repo.packUsage()) {
    const liveBytes = liveBytesByPack.get(packId) ?? 0;
    if (liveBytes === 0) toDelete.add(packId);
    else if (1 - liveBytes / Math.max(usage.storedBytes, 1) >= threshold) toRepack.add(packId);
  }
  const indexed = repo.packUsage();
  const orphans = [...onBackend].filter(([packId, info]) => !indexed.has(packId) && now - info.modified.getTime() > orphanGraceMs).map(([id]) => id);

  const freedEstimate =
    [...toDelete].reduce((s, id) => s + (onBackend.get(id)?.size ?? 0), 0) +
    [...toRepack].reduce((s, id) => s + (onBackend.get(id)?.size ?? 0) - (liveBytesByPack.get(id) ?? 0), 0) +
    orphans.reduce((s, id) => s + (onBackend.get(id)?.size ?? 0), 0);

  if (options.dryRun) {
    return {
      dryRun: true,
      liveTrees,
      liveBlobs: live.size,
      packsBefore: onBackend.size,
      bytesBefore,
      packsDeleted: toDelete.size,
      packsRepacked: toRepack.size,
      orphanPacksDeleted: orphans.length,
      bytesAfter: bytesBefore - freedEstimate,
      bytesFreed: freedEstimate,
    };
  }

  // 1. Copy live blobs out of packs that will be rewritten (stored bytes as they are).
  for (const packId of toRepack) {
    for (const id of liveBlobsByPack.get(packId) ?? []) {
      const location = repo.locate(id)!;
      const stored = await repo.backend.get(packKey(packId), { offset: location.offset, length: location.storedLength });
      await repo.addStoredBlob(id, location.type, stored, location.plainLength, location.compressed, true);
    }
  }
  await repo.flush();
  crashPoint('gc.after-repack-flush');
  // 2. The index no longer mentions the old packs before any of them goes away.
  const dropped = new Set([...toDelete, ...toRepack]);
  await repo.rewriteIndex(dropped);
  crashPoint('gc.after-index-rewrite');
  // 3. Now the packs can go.
  for (const packId of [...dropped, ...orphans]) {
    await repo.backend.delete(packKey(packId));
    crashPoint('gc.after-pack-delete');
  }

  let bytesAfter = 0;
  for await (const object of repo.backend.list('packs/')) bytesAfter += object.size;
  return {
    dryRun: false,
    liveTrees,
    liveBlobs: live.size,
    packsBefore: onBackend.size,
    bytesBefore,
    packsDeleted: toDelete.size,
    packsRepacked: toRepack.size,
    orphanPacksDeleted: orphans.length,
    bytesAfter,
    bytesFreed: bytesBefore - bytesAfter,
  };
}
