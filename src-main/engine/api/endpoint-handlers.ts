import type { endpointCommands } from '../../../src-shared/contract/endpoints';
import { endpointViewSchema } from '../../../src-shared/contract/endpoints';
import { CairnError } from '../../../src-shared/errors';
import { parseEndpoint, type EndpointConfig, type EndpointStore } from '../endpoints/config';
import type { BackupService } from '../replicate/backup-service';
import type { AreaHandlers } from './handlers';

function view(endpoint: EndpointConfig, source: 'settings' | 'environment') {
  return endpointViewSchema.parse({ ...endpoint, source });
}

/** Contract handlers for endpoints and one-click backup. */
export function endpointHandlers(store: EndpointStore, backups: BackupService): AreaHandlers<keyof typeof endpointCommands> {
  return {
    'endpoints.list': async () => ({ endpoints: (await store.listWithSource()).map((e) => view(e.endpoint, e.source)) }),
    'endpoints.add': async (input) => {
      const endpoint = parseEndpoint(input);
      await store.upsert(endpoint);
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
  };
}
