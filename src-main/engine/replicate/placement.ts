import { isRepositoryObject } from './object-order';
import type { EndpointStore } from '../endpoints/config';
import type { Vault } from '../vault/vault';
import { MinCopiesSettings } from './min-copies';
import type { ReplicationState } from './replication-state';
import { packKeysOfTree } from './version-blobs';

/** Whether one endpoint holds everything a version needs, per this device's inventory. */
export interface EndpointPlacement {
  endpoint: string;
  present: boolean;
  /** The oldest verification among the version's packs; null when any was never verified. */
  verifiedAt: string | null;
  /** Packs (and the config) the version needs that the endpoint is not known to hold. */
  missingObjects: number;
}

export interface VersionPlacement {
  versionId: string;
  /** `collection/name@vN`. */
  reference: string;
  endpoints: EndpointPlacement[];
}

export interface MissingObjects {
  endpoint: string;
  count: number;
  bytes: number;
  /** The first `limit` missing objects in copy order. */
  objects: Array<{ key: string; size: number }>;
}

export interface UnderReplicatedVersion {
  versionId: string;
  reference: string;
  collection: string;
  verifiedCopies: number;
  required: number;
}

/**
 * "Where is this version?" and "what is missing on that endpoint?", answered from the
 * device-local inventories (no bucket is listed), plus the min-copies check behind the warning
 * of `cairn status`. A version is present on an endpoint when the endpoint holds the config and
 * every pack of its tree and chunks; it counts as a verified copy once each of those packs has
 * been downloaded and checked by verify.
 */
export class PlacementService {
  readonly minCopies: MinCopiesSettings;

  constructor(private readonly deps: { vault: Vault; endpoints: EndpointStore; state: ReplicationState }) {
    this.minCopies = new MinCopiesSettings(deps.state.localDir);
  }

  async version(reference: string): Promise<VersionPlacement> {
    const catalogue = this.deps.vault.requireCatalogue();
    const version = catalogue.getVersion(reference);
    const needed = await this.objectsOf(version.treeId);
    const endpoints: EndpointPlacement[] = [];
    for (const endpoint of await this.deps.endpoints.list()) endpoints.push(await this.placementOn(endpoint.name, needed));
    return { versionId: version.id, reference: `${version.collection}/${version.name}@v${version.number}`, endpoints };
  }

  async missing(endpointName: string, limit = 1000): Promise<MissingObjects> {
    await this.deps.endpoints.get(endpointName);
    const inventory = await this.deps.state.inventory(endpointName);
    const objects: Array<{ key: string; size: number }> = [];
    let count = 0;
    let bytes = 0;
    for await (const object of this.deps.vault.backend.list('')) {
      if (!isRepositoryObject(object.key) || inventory.holds(object.key, object.size)) continue;
      count++;
      bytes += object.size;
      if (objects.length < limit) objects.push({ key: object.key, size: object.size });
    }
    return { endpoint: endpointName, count, bytes, objects };
  }

  /** Published, live versions with fewer verified endpoint copies than their collection requires. */
  async underReplicated(): Promise<UnderReplicatedVersion[]> {
    const required = await this.minCopies.all();
    if (Object.keys(required).length === 0) return [];
    const catalogue = this.deps.vault.catalogue;
    if (!catalogue) return [];
    const endpoints = (await this.deps.endpoints.list()).map((e) => e.name);
    const neededByTree = new Map<string, Set<string>>();
    const result: UnderReplicatedVersion[] = [];
    for (const { entry, claim } of catalogue.allArtifacts()) {
      const wanted = required[claim.collection];
      if (wanted === undefined) continue;
      for (const record of entry.versions.all) {
        const version = catalogue.getVersion(record.id);
        if (version.status !== 'published' || version.deleted) continue;
        let needed = neededByTree.get(version.treeId);
        if (!needed) neededByTree.set(version.treeId, (needed = await this.objectsOf(version.treeId)));
        let verifiedCopies = 0;
        for (const endpoint of endpoints) {
          const placement = await this.placementOn(endpoint, needed);
          if (placement.present && placement.verifiedAt !== null) verifiedCopies++;
        }
        if (verifiedCopies < wanted) {
          result.push({ versionId: version.id, reference: `${version.collection}/${version.name}@v${version.number}`, collection: claim.collection, verifiedCopies, required: wanted });
        }
      }
    }
    return result;
  }

  private async objectsOf(treeId: string): Promise<Set<string>> {
    const keys = await packKeysOfTree(this.deps.vault.requireRepository(), treeId);
    keys.add('config');
    return keys;
  }

  private async placementOn(endpoint: string, needed: Set<string>): Promise<EndpointPlacement> {
    const inventory = await this.deps.state.inventory(endpoint);
    let missingObjects = 0;
    let oldestVerification: number | null = Infinity;
    for (const key of needed) {
      const entry = inventory.get(key);
      if (!entry) {
        missingObjects++;
        continue;
      }
      if (key === 'config') continue;
      if (entry.verifiedAt === null) oldestVerification = null;
      else if (oldestVerification !== null) oldestVerification = Math.min(oldestVerification, entry.verifiedAt);
    }
    const present = missingObjects === 0;
    const verifiedAt = present && oldestVerification !== null && Number.isFinite(oldestVerification) ? new Date(oldestVerification).toISOString() : null;
    return { endpoint, present, verifiedAt, missingObjects };
  }
}
