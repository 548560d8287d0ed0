import path from 'node:path';
import { endpointStateDir, EndpointInventory } from './inventory';
import { MirrorOutbox } from './outbox';

/**
 * The device-local replication state of one repository: each endpoint's inventory and mirror
 * outbox, loaded once per process and shared by backup, mirroring, verify and placement, so two
 * of them never overwrite each other's updates with stale copies.
 */
export class ReplicationState {
  private readonly inventories = new Map<string, Promise<EndpointInventory>>();
  private readonly outboxes = new Map<string, Promise<MirrorOutbox>>();

  constructor(readonly localDir: string) {}

  inventory(endpoint: string): Promise<EndpointInventory> {
    let loaded = this.inventories.get(endpoint);
    if (!loaded) {
      loaded = EndpointInventory.load(path.join(endpointStateDir(this.localDir, endpoint), 'inventory.json'));
      this.inventories.set(endpoint, loaded);
      loaded.catch(() => this.inventories.delete(endpoint));
    }
    return loaded;
  }

  outbox(endpoint: string): Promise<MirrorOutbox> {
    let loaded = this.outboxes.get(endpoint);
    if (!loaded) {
      loaded = MirrorOutbox.load(path.join(endpointStateDir(this.localDir, endpoint), 'outbox.json'));
      this.outboxes.set(endpoint, loaded);
      loaded.catch(() => this.outboxes.delete(endpoint));
    }
    return loaded;
  }
}
