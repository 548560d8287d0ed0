import type { repositoryCommands } from '../../../src-shared/contract/repository';
import { CairnError } from '../../../src-shared/errors';
import type { EventBus } from '../events';
import { newJobId, type Vault } from '../vault/vault';
import type { AreaHandlers } from './handlers';

/** Contract handlers of the byte layer: init, snapshot, restore, check, stats. */
export function repositoryHandlers(vault: Vault, events: EventBus): AreaHandlers<keyof typeof repositoryCommands> {
  return {
    'repo.init': async ({ passphrase }) => {
      if (vault.repository) throw new CairnError('ALREADY_EXISTS', `A repository is already open at ${vault.info()!.location}.`);
      return vault.init(passphrase);
    },
    'repo.info': async () => vault.info(),
    'repo.snapshot': async ({ path, reread }, ctx) => {
      const jobId = newJobId();
      return vault.snapshot(path, {
        previous: reread ? 'reread' : 'use',
        signal: ctx.signal,
        onProgress: (p) =>
          events.emit('job.progress', { jobId, kind: 'snapshot', phase: p.phase, done: p.filesDone, total: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
    },
    'repo.restore': async ({ treeId, target, path, overwrite }, ctx) => {
      const jobId = newJobId();
      return vault.restore(treeId, target, {
        path,
        overwrite,
        signal: ctx.signal,
        onProgress: (p) =>
          events.emit('job.progress', { jobId, kind: 'restore', phase: 'writing', done: p.filesDone, total: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
    },
    'repo.check': async ({ readData }) => {
      const jobId = newJobId();
      return vault.check({ readData, onProgress: (done, total, phase) => events.emit('job.progress', { jobId, kind: 'check', phase, done, total }) });
    },
    'repo.stats': async () => vault.stats(),
  };
}
