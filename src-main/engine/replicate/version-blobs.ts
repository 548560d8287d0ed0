import { packKey } from '../repo/blob';
import type { Repository } from '../repo/repository';
import { decodeTree } from '../repo/tree';

/** The tree blob itself and every chunk its files are made of. */
export async function blobsOfTree(repo: Repository, treeId: string): Promise<Set<string>> {
  const blobs = new Set<string>([treeId]);
  if (!repo.locate(treeId)) return blobs;
  try {
    const tree = decodeTree(await repo.readBlob(treeId), treeId);
    for (const entry of tree.entries) if (entry.type === 'file') for (const chunk of entry.chunks) blobs.add(chunk);
  } catch {
    // An unreadable tree is damage of its own; callers still see the tree blob id.
  }
  return blobs;
}

/**
 * The pack keys a version's content lives in (through the local index): what an endpoint must
 * hold to restore it. Blobs the index does not know are left out (a damaged repository; `cairn
 * check` reports them).
 */
export async function packKeysOfTree(repo: Repository, treeId: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const blob of await blobsOfTree(repo, treeId)) {
    const location = repo.locate(blob);
    if (location) keys.add(packKey(location.packId));
  }
  return keys;
}
