/**
 * What must hold for a repository folder after any crash and restart: nothing half-written is
 * visible through the backend, every committed version restores byte for byte, and the
 * manifest loads without refusing anything.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { Engine } from '../../../src-main/engine/engine';
import { packIdFromKey } from '../../../src-main/engine/repo/blob';
import type { CommittedVersion } from './template-repository';

/** Problems with the objects a backend lists: temp names, packs whose bytes are not their name. */
export async function visibleObjectProblems(root: string): Promise<string[]> {
  const backend = new LocalBackend(root);
  const problems: string[] = [];
  for await (const object of backend.list('')) {
    if (object.key.split('/').some((segment) => segment.startsWith('.tmp-'))) problems.push(`a temporary file is listed: ${object.key}`);
    const packId = packIdFromKey(object.key);
    if (packId) {
      const digest = crypto.createHash('sha256').update(await backend.get(object.key)).digest('hex');
      if (digest !== packId) problems.push(`pack ${object.key} is partial or damaged (its bytes hash to ${digest})`);
    }
  }
  return problems;
}

/** Opens the repository in this process (no lock: nothing else runs) for the duration of `use`. */
export async function withOpenEngine<T>(repositoryPath: string, passphrase: string | null, use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = new Engine({ repositoryPath, passphrase: async () => passphrase });
  await engine.start();
  try {
    return await use(engine);
  } finally {
    await engine.stop();
  }
}

/** Restores each version into a fresh folder and returns what differs from the expected bytes. */
export async function restoreProblems(engine: Engine, versions: readonly CommittedVersion[]): Promise<string[]> {
  const problems: string[] = [];
  const catalogue = engine.vault.requireCatalogue();
  for (const expected of versions) {
    let treeId: string;
    try {
      treeId = catalogue.getVersion(expected.reference).treeId;
    } catch (err) {
      problems.push(`${expected.reference} is gone: ${(err as Error).message}`);
      continue;
    }
    const target = await fs.mkdtemp(path.join(os.tmpdir(), 'cairn-crash-restore-'));
    try {
      await engine.vault.restore(treeId, target);
      for (const [relative, bytes] of Object.entries(expected.files)) {
        const restored = await fs.readFile(path.join(target, relative)).catch(() => null);
        if (!restored) problems.push(`${expected.reference}: ${relative} was not restored`);
        else if (!restored.equals(bytes)) problems.push(`${expected.reference}: ${relative} restores to different bytes`);
      }
    } catch (err) {
      problems.push(`${expected.reference} does not restore: ${(err as Error).message}`);
    } finally {
      await fs.rm(target, { recursive: true, force: true });
    }
  }
  return problems;
}

/** Manifest objects the engine refused while opening the repository. */
export function manifestProblems(engine: Engine): string[] {
  return (engine.vault.manifest?.problems() ?? []).map((problem) => problem.message);
}
