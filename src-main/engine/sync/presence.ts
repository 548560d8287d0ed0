import { z } from 'zod';
import { ObjectNotFoundError, type Backend } from '../backends/backend';
import { presenceKey, presencePrefix, recordOwner } from './bucket-layout';
import { SyncRecordRefusedError } from './errors';
import { decodeRecord, encodeRecord, type RecordKeys } from './signed-record';

/**
 * A device's presence record (`sync/devices/<id>`): what it has read from every other device.
 * Compaction and pack GC read everyone's presence to know what all devices have seen, so nothing
 * is deleted from the bucket before every device is past it.
 */
export const presenceSchema = z.object({
  format: z.literal(1),
  deviceId: z.string(),
  name: z.string(),
  host: z.string(),
  /** When it was written (the device's clock, ms). */
  at: z.number(),
  /** The device's own manifest updates are in the bucket through this seq. */
  ownSeq: z.number().int().min(0),
  /** Per writer device: the highest manifest seq this device has taken (applied, held or refused). */
  cursors: z.record(z.string(), z.number().int().min(0)),
  /** Answers to other devices' pack GC proposals, by proposer. */
  gcAcks: z.record(
    z.string(),
    z.object({
      proposalId: z.string(),
      /** Everything this device wrote before answering is in the bucket through this seq. */
      ownSeq: z.number().int().min(0),
      /** Trees the proposal called dead that are live here: their packs must stay. */
      keptTrees: z.array(z.string()),
    }),
  ),
});

export type Presence = z.infer<typeof presenceSchema>;

export interface PresenceListing {
  presences: Map<string, Presence>;
  /** Records that failed authentication (each is ignored). */
  refused: SyncRecordRefusedError[];
}

/**
 * Reads every device's presence record. A record unchanged since the last read (same size and
 * modification time in the listing) is not downloaded again, so an idle poll costs one LIST.
 * Listing times have one-second resolution, so a rewrite within the same second at the same
 * size is picked up at that device's next write; every field only grows, and a stale record
 * only makes deletions wait longer.
 */
export class PresenceReader {
  private readonly cache = new Map<string, { stamp: string; presence: Presence }>();

  constructor(
    private readonly bucket: Backend,
    private readonly keys: RecordKeys,
  ) {}

  async read(): Promise<PresenceListing> {
    const presences = new Map<string, Presence>();
    const refused: SyncRecordRefusedError[] = [];
    const found: Array<{ key: string; owner: string; stamp: string }> = [];
    for await (const info of this.bucket.list(presencePrefix)) {
      const owner = recordOwner(presencePrefix, info.key);
      if (owner) found.push({ key: info.key, owner, stamp: `${info.size}:${info.modified.getTime()}` });
    }
    await Promise.all(
      found.map(async ({ key, owner, stamp }) => {
        const cached = this.cache.get(key);
        if (cached?.stamp === stamp) {
          presences.set(owner, cached.presence);
          return;
        }
        try {
          const record = decodeRecord(key, await this.bucket.get(key), presenceSchema, this.keys);
          if (record.deviceId !== owner) throw new SyncRecordRefusedError(key, `it names device ${record.deviceId}`);
          presences.set(owner, record);
          this.cache.set(key, { stamp, presence: record });
        } catch (err) {
          if (err instanceof SyncRecordRefusedError) refused.push(err);
          else if (!(err instanceof ObjectNotFoundError)) throw err;
        }
      }),
    );
    return { presences, refused };
  }
}

export async function writePresence(bucket: Backend, presence: Presence, keys: RecordKeys): Promise<void> {
  const key = presenceKey(presence.deviceId);
  await bucket.put(key, encodeRecord(key, presence, keys));
}
