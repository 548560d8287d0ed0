import type { syncCommands } from '../../../src-shared/contract/sync';
import type { AreaHandlers } from '../api/handlers';
import type { SyncService } from './sync-service';

/** Contract handlers for sync, answered by the engine's SyncService. */
export function syncHandlers(sync: SyncService): AreaHandlers<keyof typeof syncCommands> {
  return {
    'sync.now': async ({ compact }) => sync.now({ compact }),
    'sync.status': async () => sync.status(),
    'sync.pending.list': async () => ({ changeSets: await (await sync.require()).pendingViews() }),
    'sync.pending.approve': async ({ id }) => (await sync.require()).approve(id),
    'sync.pending.reject': async ({ id }) => (await sync.require()).reject(id),
    'sync.bootstrap': async ({ endpoint }) => sync.bootstrap(endpoint),
    'sync.keepLocal': async ({ collection, keep }) => {
      const collections = await (await sync.require()).setKeepLocal(collection, keep);
      sync.trigger();
      return { collections };
    },
    'sync.gc': async () => {
      const result = await (await sync.require()).collectGarbage();
      return {
        proposal: result.proposal ? { proposalId: result.proposal.proposalId, packs: result.proposal.packs, at: new Date(result.proposal.at).toISOString() } : null,
        finished: result.finished,
        waitingFor: result.waitingFor,
      };
    },
    'devices.list': async () => ({ devices: await sync.devices() }),
  };
}
