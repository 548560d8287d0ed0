import crypto from 'node:crypto';
import { packIdFromKey, packKey, type PackedBlob } from '../repo/blob';
import type { Repository } from '../repo/repository';
import { readPackTrailer } from '../repo/pack-format';
import { decodeTree, type Tree } from '../repo/tree';

export interface CheckOptions {
  /** Also read every pack and verify every blob decrypts and hashes to its id. */
  readData?: boolean;
  onProgress?: (done: number, total: number, phase: 'packs' | 'trees' | 'data') => void;
}

export interface CheckProblem {
  kind: 'missing-pack' | 'bad-pack' | 'index-mismatch' | 'bad-tree' | 'missing-blob' | 'bad-blob';
  message: string;
  packId?: string;
  blobId?: string;
  /** Which trees and paths the problem damages. */
  affected: Array<{ treeId: string; path: string }>;
}

export interface CheckReport {
  ok: boolean;
  packs: number;
  blobs: number;
  trees: number;
  bytesRead: number;
  problems: CheckProblem[];
  /** Harmless findings (e.g. packs left by an interrupted ingest, reclaimed by gc). */
  notes: string[];
}

/**
 * Verifies a repository: structure always (every indexed blob is in a pack whose trailer
 * agrees, every pack parses, every tree parses and references only indexed chunks), and with
 * `readData` the content too (pack hashes, blob authentication, blob ids). Reports which trees
 * and paths each damaged blob belongs to.
 */
export async function checkRepository(repo: Repository, options: CheckOptions = {}): Promise<CheckReport> {
  const problems: CheckProblem[] = [];
  const notes: string[] = [];
  const packsOnBackend = new Map<string, number>();
  for await (const object of repo.backend.list('packs/')) {
    const packId = packIdFromKey(object.key);
    if (packId) packsOnBackend.set(packId, object.size);
    else notes.push(`Unexpected object ${object.key} under packs/ (ignored).`);
  }

  const indexByPack = new Map<string, Array<PackedBlob>>();
  let blobs = 0;
  for (const [id, location] of repo.indexEntries()) {
    blobs++;
    let list = indexByPack.get(location.packId);
    if (!list) indexByPack.set(location.packId, (list = []));
    list.push({ id, type: location.type, offset: location.offset, storedLength: location.storedLength, plainLength: location.plainLength, compressed: location.compressed });
  }

  const badBlobs = new Map<string, CheckProblem>();
  const trailers = new Map<string, PackedBlob[]>();
  let done = 0;
  for (const [packId, indexed] of indexByPack) {
    options.onProgress?.(done++, indexByPack.size, 'packs');
    const size = packsOnBackend.get(packId);
    if (size === undefined) {
      const problem: CheckProblem = { kind: 'missing-pack', packId, message: `Pack ${packId} is in the index but missing from ${repo.backend.name}.`, affected: [] };
      problems.push(problem);
      for (const blob of indexed) badBlobs.set(blob.id, problem);
      continue;
    }
    let trailer: PackedBlob[];
    try {
      trailer = await readPackTrailer(repo.backend, packId, size, repo.cipher);
      trailers.set(packId, trailer);
    } catch (err) {
      const problem: CheckProblem = { kind: 'bad-pack', packId, message: (err as Error).message, affected: [] };
      problems.push(problem);
      for (const blob of indexed) badBlobs.set(blob.id, problem);
      continue;
    }
    const byId = new Map(trailer.map((b) => [b.id, b]));
    for (const blob of indexed) {
      const packed = byId.get(blob.id);
      if (!packed || packed.offset !== blob.offset || packed.storedLength !== blob.storedLength || packed.type !== blob.type) {
        const problem: CheckProblem = {
          kind: 'index-mismatch',
          packId,
          blobId: blob.id,
          message: `The index places blob ${blob.id} in pack ${packId}, but the pack's trailer does not agree.`,
          affected: [],
        };
        problems.push(problem);
        badBlobs.set(blob.id, problem);
      }
    }
  }
  for (const packId of packsOnBackend.keys()) {
    if (!indexByPack.has(packId)) notes.push(`Pack ${packId} is not in the index (left by an interrupted write; \`cairn gc\` reclaims it).`);
  }

  let bytesRead = 0;
  if (options.readData) {
    done = 0;
    for (const [packId, trailer] of trailers) {
      options.onProgress?.(done++, trailers.size, 'data');
      const bytes = await repo.backend.get(packKey(packId));
      bytesRead += bytes.length;
      const actual = crypto.createHash('sha256').update(bytes).digest('hex');
      if (actual !== packId) {
        problems.push({ kind: 'bad-pack', packId, message: `Pack ${packId} does not hash to its name (its bytes changed on disk).`, affected: [] });
      }
      for (const blob of trailer) {
        if (!repo.locate(blob.id)) continue; // unindexed leftovers are gc's business
        try {
          repo.decodeBlob(blob.id, { ...blob, packId }, bytes.subarray(blob.offset, blob.offset + blob.storedLength));
        } catch (err) {
          const problem: CheckProblem = { kind: 'bad-blob', packId, blobId: blob.id, message: (err as Error).message, affected: [] };
          problems.push(problem);
          badBlobs.set(blob.id, problem);
        }
      }
    }
  }

  // Trees: parse each, check every chunk is indexed, and name the paths damaged blobs belong to.
  let trees = 0;
  const treeIds = [...repo.indexEntries()].filter(([, l]) => l.type === 'tree').map(([id]) => id);
  done = 0;
  for (const treeId of treeIds) {
    options.onProgress?.(done++, treeIds.length, 'trees');
    trees++;
    const treeProblem = badBlobs.get(treeId);
    if (treeProblem) {
      treeProblem.affected.push({ treeId, path: '(the whole tree)' });
      continue;
    }
    let tree: Tree;
    try {
      tree = decodeTree(await repo.readBlob(treeId), treeId);
    } catch (err) {
      problems.push({ kind: 'bad-tree', blobId: treeId, message: (err as Error).message, affected: [{ treeId, path: '(the whole tree)' }] });
      continue;
    }
    for (const entry of tree.entries) {
      if (entry.type !== 'file') continue;
      for (const chunk of entry.chunks) {
        const bad = badBlobs.get(chunk);
        if (bad) {
          if (!bad.affected.some((a) => a.treeId === treeId && a.path === entry.path)) bad.affected.push({ treeId, path: entry.path });
        } else if (!repo.locate(chunk)) {
          problems.push({ kind: 'missing-blob', blobId: chunk, message: `Chunk ${chunk} of ${entry.path} is not in the index.`, affected: [{ treeId, path: entry.path }] });
        }
      }
    }
  }

  return { ok: problems.length === 0, packs: packsOnBackend.size, blobs, trees, bytesRead, problems, notes };
}
