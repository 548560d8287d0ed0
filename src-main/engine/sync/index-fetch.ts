import pLimit from 'p-limit';
import { CairnError } from '../../../src-shared/errors';
import { ObjectExistsError, type Backend } from '../backends/backend';
import type { Repository } from '../repo/repository';
import { indexPrefixOf } from './bucket-layout';
import type { QuarantineEntry, SyncStateFile } from './sync-state';

export interface IndexFetchReport {
  segments: number;
  bytes: number;
  refused: QuarantineEntry[];
}

/**
 * Copies other devices' new index segments from the bucket into the local repository and adds
 * them to its blob index, so versions made elsewhere can be restored here: the index says which
 * pack holds each blob, and the read-through backend fetches the pack when it is first read.
 * Segments are small; packs are not, so only segments travel eagerly.
 */
export async function fetchIndexSegments(
  deps: { repo: Repository; local: Backend; bucket: Backend; state: SyncStateFile; concurrency: number; now: () => number },
  devices: readonly string[],
): Promise<IndexFetchReport> {
  const report: IndexFetchReport = { segments: 0, bytes: 0, refused: [] };
  const limit = pLimit(deps.concurrency);
  for (const device of devices) {
    const after = deps.state.data.indexCursors[device];
    const keys: string[] = [];
    for await (const info of deps.bucket.list(indexPrefixOf(device), after ? { startAfter: after } : {})) keys.push(info.key);
    if (keys.length === 0) continue;
    // Fetched in parallel, added in key order.
    const bodies = await Promise.all(keys.map((key) => limit(() => deps.bucket.get(key))));
    keys.forEach((key, i) => {
      const bytes = bodies[i] as Buffer;
      try {
        deps.repo.mergeIndexSegment(key, bytes);
        report.segments += 1;
        report.bytes += bytes.length;
      } catch (err) {
        if (!(err instanceof CairnError) || err.code !== 'CORRUPT') throw err;
        report.refused.push({ key, reason: err.message, at: deps.now(), changeSet: null });
        bodies[i] = Buffer.alloc(0);
      }
    });
    await Promise.all(
      keys.map((key, i) =>
        limit(async () => {
          const bytes = bodies[i] as Buffer;
          if (bytes.length === 0) return;
          try {
            await deps.local.put(key, bytes, { ifNoneMatch: true });
          } catch (err) {
            if (!(err instanceof ObjectExistsError)) throw err;
          }
        }),
      ),
    );
    deps.state.data.indexCursors[device] = keys[keys.length - 1] as string;
  }
  return report;
}
