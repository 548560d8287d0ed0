import { z } from 'zod';
import { command, event } from './define';
import { repositoryInfoSchema } from './repository';

/**
 * Multi-device sync through a shared bucket (an endpoint with role `sync`): every device keeps
 * its own repository and manifest, uploads what it wrote and applies what the others wrote.
 * Mass deletions arriving from elsewhere wait for approval (the tripwire).
 */
const endpointName = z.string().min(1).max(64);
const changeSetId = z.string().regex(/^[0-9a-f]{8}$/, 'a change set id is 8 hex digits (see `cairn pending`)');

export const collectionEffectSchema = z.object({
  collection: z.string(),
  liveArtifacts: z.number().int(),
  removedArtifacts: z.number().int(),
  liveVersions: z.number().int(),
  removedVersions: z.number().int(),
  share: z.number(),
});

export const changeSetSchema = z.object({
  id: z.string(),
  /** The device whose changes these are, and its name when known. */
  device: z.string(),
  deviceName: z.string().nullable(),
  createdAt: z.string(),
  objects: z.number().int(),
  effects: z.array(collectionEffectSchema),
});

export const quarantinedObjectSchema = z.object({
  key: z.string(),
  reason: z.string(),
  at: z.string(),
  /** The rejected change set it belonged to; null when it failed authentication. */
  changeSet: z.string().nullable(),
});

export const syncRoundSchema = z.object({
  at: z.string(),
  durationMs: z.number(),
  uploaded: z.object({ packs: z.number().int(), indexSegments: z.number().int(), manifestObjects: z.number().int(), snapshots: z.number().int(), bytes: z.number() }),
  downloaded: z.object({ indexSegments: z.number().int(), manifestObjects: z.number().int(), bytes: z.number() }),
  /** Manifest objects applied to this device's catalogue. */
  applied: z.number().int(),
  snapshotsApplied: z.number().int(),
  /** Change sets held for approval in this round. */
  held: z.array(changeSetSchema),
  /** Objects refused in this round (authentication failed or unreadable). */
  refused: z.array(quarantinedObjectSchema),
  /** The snapshot this device wrote, when it compacted. */
  compacted: z.string().nullable(),
  /** Own manifest objects removed from the bucket (covered by a snapshot everyone has passed). */
  bucketObjectsDeleted: z.number().int(),
  /** Packs fetched for collections kept locally. */
  keptLocalPacks: z.number().int(),
  gc: z.object({ answered: z.number().int(), packsDeleted: z.number().int() }),
  warnings: z.array(z.string()),
});

export const syncDeviceSchema = z.object({
  deviceId: z.string(),
  name: z.string().nullable(),
  host: z.string().nullable(),
  self: z.boolean(),
  /** In the manifest's device list (registered on its first sync). */
  registered: z.boolean(),
  firstSeenAt: z.string().nullable(),
  /** Its last presence in the bucket (or registration), whichever is newer. */
  lastSeenAt: z.string().nullable(),
  /** How far this device has read that device's manifest (seq), and how far it has uploaded. */
  readThrough: z.number().int(),
  uploadedThrough: z.number().int().nullable(),
  /** Silent for longer than the offline limit: compaction and GC no longer wait for it. */
  offlineTooLong: z.boolean(),
});

export const syncStatusSchema = z.object({
  configured: z.boolean(),
  endpoint: z.string().nullable(),
  /** This engine runs the sync loop (the app, `cairn serve`, `cairn sync`). */
  background: z.boolean(),
  syncing: z.boolean(),
  intervalMs: z.number().nullable(),
  nextSyncAt: z.string().nullable(),
  lastSync: z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable(), durationMs: z.number() }).nullable(),
  devices: z.array(syncDeviceSchema),
  warnings: z.array(z.string()),
  pending: z.array(changeSetSchema),
  quarantined: z.array(quarantinedObjectSchema),
  /** Some applied changes wait for earlier ones of the same writer (refused or rejected). */
  waiting: z.boolean(),
  keepLocal: z.array(z.string()),
  fetched: z.object({ packs: z.number().int(), bytes: z.number() }),
});

export const syncCommands = {
  'sync.now': command(
    'Sync with the shared bucket now: upload, download, apply (and compact when asked or due).',
    z.object({ compact: z.boolean().default(false) }).strict(),
    syncRoundSchema,
  ),
  'sync.status': command('Last sync, devices, offline warnings, pending change sets and refused objects.', z.object({}).strict(), syncStatusSchema),
  'sync.pending.list': command('Change sets held by the mass-change tripwire, oldest first.', z.object({}).strict(), z.object({ changeSets: z.array(changeSetSchema) })),
  'sync.pending.approve': command(
    'Apply a held change set as it is.',
    z.object({ id: changeSetId }).strict(),
    z.object({ id: z.string(), applied: z.number().int() }),
  ),
  'sync.pending.reject': command(
    'Discard a held change set: its objects stay refused on this device (other devices decide for themselves).',
    z.object({ id: changeSetId }).strict(),
    z.object({ id: z.string(), quarantined: z.number().int() }),
  ),
  'sync.bootstrap': command(
    'Create this (empty) repository from a sync bucket: same repository and keys, a new device, the whole catalogue.',
    z.object({ endpoint: endpointName }).strict(),
    z.object({ repository: repositoryInfoSchema, artifacts: z.number().int(), versions: z.number().int(), round: syncRoundSchema }),
  ),
  'sync.keepLocal': command(
    'Keep (or stop keeping) local copies of a collection\'s bytes on this device.',
    z.object({ collection: z.string().min(1).max(128), keep: z.boolean().default(true) }).strict(),
    z.object({ collections: z.array(z.string()) }),
  ),
  'sync.gc': command(
    'Propose deleting packs no version needs from the sync bucket, or finish this device\'s open proposal.',
    z.object({}).strict(),
    z.object({
      proposal: z.object({ proposalId: z.string(), packs: z.number().int(), at: z.string() }).nullable(),
      finished: z.object({ proposalId: z.string(), packsDeleted: z.number().int(), bytesFreed: z.number(), packsKept: z.number().int() }).nullable(),
      waitingFor: z.array(z.string()),
    }),
  ),
  'devices.list': command('Devices that share this repository, with when each was last seen.', z.object({}).strict(), z.object({ devices: z.array(syncDeviceSchema) })),
};

export const syncEvents = {
  'sync.changed': event(
    'A sync round finished (or failed); the catalogue events carry what changed.',
    z.object({
      at: z.string(),
      ok: z.boolean(),
      error: z.string().nullable(),
      applied: z.number().int(),
      held: z.number().int(),
      refused: z.number().int(),
      pending: z.number().int(),
    }),
  ),
};
