import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { watchCommands } from '../../../src-shared/contract/watch';
import { CairnError } from '../../../src-shared/errors';
import type { CatalogueHandlers } from '../catalogue/handlers';
import type { Logger } from '../logger';
import type { Vault } from '../vault/vault';
import type { WatchService } from '../watch';
import type { AreaHandlers } from './handlers';

/** The watch area's commands; they need the repository open (the service comes with it). */
export function watchHandlers(service: () => WatchService): AreaHandlers<keyof typeof watchCommands> {
  const view = (id: string) => {
    const found = service()
      .list()
      .find((f) => f.id === id);
    if (!found) throw new CairnError('NOT_FOUND', `No watched folder has the id "${id}".`, { hint: 'List them with `cairn watch list`.' });
    return found;
  };
  return {
    'watch.list': async () => ({ folders: service().list(), paused: service().paused }),
    'watch.add': async (input) => view((await service().add(input)).folder.id),
    'watch.remove': async ({ id }) => {
      await service().remove(id);
      return {};
    },
    'watch.update': async ({ id, ...patch }) => view((await service().update(id, patch)).id),
    'watch.pause': async ({ id }) => {
      await service().pause(id);
      return {};
    },
    'watch.resume': async ({ id }) => {
      await service().resume(id);
      return {};
    },
  };
}

/**
 * Rollback of a file that lives in a watched folder also puts the old content back on disk:
 * restored beside the file under a temporary name, then renamed over it (atomic), with the
 * watcher told to expect exactly that content so the write does not become another version.
 */
export function rollbackWithWriteBack(
  rollback: CatalogueHandlers['catalogue.rollback'],
  vault: Vault,
  service: () => WatchService | null,
  log: Logger,
): CatalogueHandlers['catalogue.rollback'] {
  return async (input, ctx) => {
    const catalogue = vault.requireCatalogue();
    const before = catalogue.listVersions(input.artifact).versions.find((v) => v.isHead);
    const result = await rollback(input, ctx);
    const watcher = service();
    const sourcePath = before?.provenance.sourcePath;
    if (!result.created || !watcher || !sourcePath || before?.provenance.tool !== 'cairn watch') return result;
    const version = result.version;
    try {
      const stat = await fs.stat(sourcePath).catch(() => null);
      if (stat && !stat.isFile()) return result; // bundles are folders: not written back
      const temp = await fs.mkdtemp(path.join(path.dirname(sourcePath), `.cairn-rollback-${crypto.randomBytes(4).toString('hex')}-`));
      try {
        await vault.restore(version.treeId, temp);
        const [restored] = await fs.readdir(temp);
        if (!restored) return result;
        if (!watcher.suppressNext(sourcePath, version.sha256, version.id)) return result;
        await fs.rename(path.join(temp, restored), sourcePath);
      } finally {
        await fs.rm(temp, { recursive: true, force: true });
      }
      log.info(`rolled ${sourcePath} back to the content of v${input.version}`, 'watch');
    } catch (err) {
      log.error(`rollback of ${version.name} is recorded, but writing it back to ${sourcePath} failed: ${(err as Error).message}`, 'watch');
    }
    return result;
  };
}
