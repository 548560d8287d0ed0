import { formatBytes } from '../../../src-shared/catalogue/units';
import { QuotaExceededError } from './errors';
import type { CatalogueConfig, QuotaSpec } from './type-config';
import { collectionScope, typeScope, type UsageIndex } from './usage';

export interface QuotaRequest {
  collection: string;
  type: string;
  /** For messages. */
  name: string;
  size: number;
  treeId: string;
}

/**
 * Refuses content that would break a limit of its collection or type (type config file):
 * a version larger than `maxArtifactSize`, or live content that would grow past
 * `maxTotalSize`. Content already counted in a scope (a rollback) adds nothing there. `usage`
 * is only asked for when a total limit applies (building it costs a pass over all versions).
 */
export function checkQuota(config: CatalogueConfig, usage: () => UsageIndex, request: QuotaRequest): void {
  const scopes: { label: string; scope: string; quota: QuotaSpec | undefined }[] = [
    { label: `collection "${request.collection}"`, scope: collectionScope(request.collection), quota: config.collections.get(request.collection)?.quota },
    { label: `type "${request.type}"`, scope: typeScope(request.type), quota: config.types.get(request.type)?.quota },
  ];
  const what = `${request.collection}/${request.name}`;
  for (const { label, scope, quota } of scopes) {
    if (!quota) continue;
    if (quota.maxArtifactBytes !== null && request.size > quota.maxArtifactBytes) {
      throw new QuotaExceededError(
        `"${what}" is ${formatBytes(request.size)}, over the ${formatBytes(quota.maxArtifactBytes)} per-version limit of ${label}.`,
        { scope, limit: 'maxArtifactSize', limitBytes: quota.maxArtifactBytes, usedBytes: 0, addingBytes: request.size },
      );
    }
    if (quota.maxTotalBytes !== null) {
      const index = usage();
      const adding = index.holds(scope, request.treeId) ? 0 : request.size;
      const used = index.bytes(scope);
      if (used + adding > quota.maxTotalBytes) {
        throw new QuotaExceededError(
          `Adding "${what}" (${formatBytes(adding)}) would take ${label} to ${formatBytes(used + adding)}, over its ${formatBytes(quota.maxTotalBytes)} total limit (${formatBytes(used)} used now).`,
          { scope, limit: 'maxTotalSize', limitBytes: quota.maxTotalBytes, usedBytes: used, addingBytes: adding },
        );
      }
    }
  }
}
