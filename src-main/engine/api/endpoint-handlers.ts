import type { endpointCommands } from '../../../src-shared/contract/endpoints';
import { endpointViewSchema } from '../../../src-shared/contract/endpoints';
import { CairnError } from '../../../src-shared/errors';
import { parseEndpoint, type EndpointConfig, type EndpointStore } from '../endpoints/config';
import type { BackupService } from '../replicate/backup-service';
import { newJobId } from '../vault/vault';
import type { AreaHandlers } from './handlers';

function view(endpoint: EndpointConfig, source: 'settings' | 'environment') {
  return endpointViewSchema.parse({ ...endpoint, source });
}

/** A part of the replication service that needs an open repository. */
function need<T>(part: T | null, what: string): T {
  if (part === null) {
    throw new CairnError('NOT_FOUND', `There is no repository here yet, so there is no ${what}.`, { hint: 'Create one with `cairn init`, or restore from an endpoint with `cairn restore --from-endpoint`.' });
  }
  return part;
}

/** Contract handlers for endpoints, one-click backup, mirroring, placement, restore from an endpoint, share links. */
export function endpointHandlers(store: EndpointStore, backups: BackupService): AreaHandlers<keyof typeof endpointCommands> {
  return {
    'endpoints.list': async () => ({ endpoints: (await store.listWithSource()).map((e) => view(e.endpoint, e.source)) }),
    'endpoints.add': async (input) => {
      const endpoint = parseEndpoint(input);
      await store.upsert(endpoint);
      if (endpoint.mirror) backups.mirror?.notifyChange();
      return view(endpoint, 'settings');
    },
    'endpoints.remove': async ({ name }) => {
      await store.remove(name);
      return {};
    },
    'endpoints.test': async ({ name }) => backups.health(name),
    'backup.run': async ({ endpoint }, ctx) => backups.run(endpoint, ctx.signal),
    'backup.verify': async ({ endpoint, sample }, ctx) => backups.verify(endpoint, sample, ctx.signal),
    'backup.history': async ({ endpoint, limit }) => {
      if (limit <= 0) throw new CairnError('INVALID_INPUT', 'limit must be positive.');
      return { jobs: backups.history(endpoint, limit) };
    },
    'mirror.status': async ({ endpoint }) => ({ endpoints: await need(backups.mirror, 'mirroring').status(endpoint) }),
    'mirror.sync': async ({ endpoint }) => ({ endpoints: await need(backups.mirror, 'mirroring').syncNow(endpoint) }),
    'placement.version': async ({ version }) => need(backups.placement, 'placement').version(version),
    'placement.missing': async ({ endpoint, limit }) => need(backups.placement, 'placement').missing(endpoint, limit),
    'placement.minCopies.set': async ({ collection, copies }) => {
      const settings = need(backups.placement, 'placement').minCopies;
      await settings.set(collection, copies);
      return { minCopies: await settings.all() };
    },
    'placement.underReplicated': async () => {
      const placement = need(backups.placement, 'placement');
      return { minCopies: await placement.minCopies.all(), versions: await placement.underReplicated() };
    },
    'restore.fromEndpoint': async (input, ctx) => {
      const jobId = newJobId();
      return backups.restoreFromEndpoint(input, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (p) =>
          backups.emitProgress({ jobId, kind: 'restore', subject: input.endpoint, phase: 'writing', done: p.filesDone, total: p.filesTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
      });
    },
    'share.create': async (input, ctx) => need(backups.shares, 'share links').create(input, `${backups.deviceName()} (${ctx.transport})`),
    'share.revoke': async (input, ctx) => need(backups.shares, 'share links').revoke(input, `${backups.deviceName()} (${ctx.transport})`),
    'share.list': async ({ version }) => ({ links: need(backups.shares, 'share links').list(version === undefined ? {} : { version }) }),
  };
}
