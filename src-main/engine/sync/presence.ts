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

export async function readPresences(bucket: Backend, keys: RecordKeys): Promise<PresenceListing> {
  const presences = new Map<string, Presence>();
  const refused: SyncRecordRefusedError[] = [];
  const found: string[] = [];
  for await (const info of bucket.list(presencePrefix)) if (recordOwner(presencePrefix, info.key)) found.push(info.key);
  await Promise.all(
    found.map(async (key) => {
      const owner = recordOwner(presencePrefix, key) as string;
      try {
        const record = decodeRecord(key, await bucket.get(key), presenceSchema, keys);
        if (record.deviceId !== owner) throw new SyncRecordRefusedError(key, `it names device ${record.deviceId}`);
        presences.set(owner, record);
      } catch (err) {
        if (err instanceof SyncRecordRefusedError) refused.push(err);
        else if (!(err instanceof ObjectNotFoundError)) throw err;
      }
    }),
  );
  return { presences, refused };
}

export async function writePresence(bucket: Backend, presence: Presence, keys: RecordKeys): Promise<void> {
  const key = presenceKey(presence.deviceId);
  await bucket.put(key, encodeRecord(key, presence, keys));
}
