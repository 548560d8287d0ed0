import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CairnError } from '../../../src-shared/errors';

/**
 * What this device remembers about syncing (`local/sync/state.json`, never synced): how far it
 * has read every other device, how far it has uploaded its own objects, what it refused. Losing
 * the file costs downloads, never data: every cursor starts again from zero and the manifest
 * store skips what it already applied.
 */
const rangesSchema = z.array(z.tuple([z.number().int(), z.number().int()]));

export const quarantineEntrySchema = z.object({
  key: z.string(),
  reason: z.string(),
  at: z.number(),
  /** The rejected change set it came from, or null when it failed authentication. */
  changeSet: z.string().nullable(),
});
export type QuarantineEntry = z.infer<typeof quarantineEntrySchema>;

export const gcAckSchema = z.object({ proposalId: z.string(), ownSeq: z.number().int(), keptTrees: z.array(z.string()) });

export const ownProposalSchema = z.object({
  proposalId: z.string(),
  at: z.number(),
  vector: z.record(z.string(), z.number().int()),
  packs: z.array(z.string()),
  deadTrees: z.array(z.string()),
});
export type OwnProposal = z.infer<typeof ownProposalSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  /** The bucket these cursors describe (url, bucket, prefix); a different one starts afresh. */
  bucket: z.string().nullable(),
  /** Per writer device: highest manifest seq taken (applied, held for approval, or refused). */
  cursors: z.record(z.string(), z.number().int().min(0)),
  /** Per writer device: the last index segment key copied here. */
  indexCursors: z.record(z.string(), z.string()),
  /** Own manifest updates are in the bucket through this seq. */
  uploadedSeq: z.number().int().min(0),
  /** Own index segments are in the bucket through this key. */
  uploadedIndexKey: z.string().nullable(),
  /** Own snapshots in the bucket, oldest first. */
  snapshots: z.array(z.object({ key: z.string(), uploadedAt: z.number(), covers: z.record(z.string(), rangesSchema) })),
  /** Own updates uploaded since the last own snapshot. */
  updatesSinceSnapshot: z.number().int().min(0),
  /** Own update objects are deleted from the bucket through this seq. */
  bucketDeletedThrough: z.number().int().min(0),
  /** Other devices' snapshots already read (or judged unneeded). */
  seenSnapshots: z.array(z.string()),
  quarantined: z.array(quarantineEntrySchema),
  /** This device is in the manifest's device list. */
  registered: z.boolean(),
  lastPresenceAt: z.number(),
  lastSync: z.object({ at: z.number(), ok: z.boolean(), error: z.string().nullable(), durationMs: z.number() }).nullable(),
  /** Collections whose bytes this device keeps locally as soon as their versions arrive. */
  keepLocal: z.array(z.string()),
  gc: z.object({
    proposal: ownProposalSchema.nullable(),
    acks: z.record(z.string(), gcAckSchema),
    /** Packs no new data may be stored into (proposed for deletion, or deleted). */
    avoidedPacks: z.array(z.string()),
  }),
});

export type SyncStateData = z.infer<typeof stateSchema>;

export function emptySyncState(bucket: string | null): SyncStateData {
  return {
    version: 1,
    bucket,
    cursors: {},
    indexCursors: {},
    uploadedSeq: 0,
    uploadedIndexKey: null,
    snapshots: [],
    updatesSinceSnapshot: 0,
    bucketDeletedThrough: 0,
    seenSnapshots: [],
    quarantined: [],
    registered: false,
    lastPresenceAt: 0,
    lastSync: null,
    keepLocal: [],
    gc: { proposal: null, acks: {}, avoidedPacks: [] },
  };
}

export class SyncStateFile {
  private constructor(
    readonly file: string,
    public data: SyncStateData,
  ) {}

  static pathIn(localDir: string): string {
    return path.join(localDir, 'sync', 'state.json');
  }

  /** Reads the state; a missing file is a fresh state, a damaged one an error naming it. */
  static async load(localDir: string): Promise<SyncStateFile> {
    const file = SyncStateFile.pathIn(localDir);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new SyncStateFile(file, emptySyncState(null));
      throw err;
    }
    let parsed: SyncStateData;
    try {
      parsed = stateSchema.parse(JSON.parse(text));
    } catch {
      throw new CairnError('CORRUPT', `The sync state file ${file} is damaged.`, {
        hint: 'Delete it: the next sync reads the bucket again from the start (nothing is lost; it only costs downloads).',
      });
    }
    return new SyncStateFile(file, parsed);
  }

  /**
   * Makes the state describe `bucket`: cursors about another bucket mean nothing there, so they
   * are reset (keeping device-local preferences).
   */
  bindTo(bucket: string): void {
    if (this.data.bucket === bucket) return;
    this.data = { ...emptySyncState(bucket), keepLocal: this.data.keepLocal, registered: this.data.registered };
  }

  /** Writes the state atomically (temp file, fsync, rename). */
  async save(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(this.data)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
  }
}
