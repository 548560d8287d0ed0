import { z } from 'zod';
import { versionViewSchema } from '../catalogue/views';
import { command } from './define';

const endpointName = z.string().min(1).max(64);

export const endpointViewSchema = z.object({
  name: z.string(),
  url: z.string(),
  region: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  role: z.enum(['backup', 'sync']),
  storageClass: z.string().optional(),
  bandwidthLimit: z.number(),
  /** Copied to continuously by the engine that owns the repository, not only on `cairn backup`. */
  mirror: z.boolean(),
  /** Where the settings come from: the device's endpoint file or ARTIFACT_* variables. */
  source: z.enum(['settings', 'environment']),
});

export const healthCheckSchema = z.object({
  ok: z.boolean(),
  checks: z.array(
    z.object({
      name: z.enum(['reach', 'credentials', 'bucket', 'writable', 'clock']),
      ok: z.boolean(),
      message: z.string(),
    }),
  ),
});

export const backupReportSchema = z.object({
  jobId: z.string(),
  endpoint: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  objectsUploaded: z.number().int(),
  bytesUploaded: z.number(),
  objectsAlreadyThere: z.number().int(),
  durationMs: z.number(),
  result: z.enum(['ok', 'failed', 'cancelled']),
  error: z.string().optional(),
});

export const verifyReportSchema = z.object({
  endpoint: z.string(),
  objectsChecked: z.number().int(),
  packsChecked: z.number().int(),
  packsTotal: z.number().int(),
  bytesRead: z.number(),
  ok: z.boolean(),
  problems: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['missing', 'damaged']),
      repairedFrom: z.string().nullable(),
      message: z.string(),
      /** The catalogue versions whose content depends on this object. */
      affects: z.array(z.object({ versionId: z.string(), reference: z.string() })),
    }),
  ),
});

export const mirrorStatusSchema = z.object({
  endpoint: z.string(),
  pendingObjects: z.number().int(),
  pendingBytes: z.number(),
  copiedObjects: z.number().int(),
  lastCopiedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  retryAt: z.string().nullable(),
});

export const versionPlacementSchema = z.object({
  versionId: z.string(),
  reference: z.string(),
  endpoints: z.array(
    z.object({
      endpoint: z.string(),
      /** The endpoint holds the config and every pack the version needs (per this device's inventory). */
      present: z.boolean(),
      /** Oldest verification among those packs; null when one was never downloaded and checked. */
      verifiedAt: z.string().nullable(),
      missingObjects: z.number().int(),
    }),
  ),
});

export const shareLinkSchema = z.object({
  version: z.string(),
  versionId: z.string(),
  endpoint: z.string(),
  key: z.string(),
  s3Uri: z.string(),
  name: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  state: z.enum(['active', 'expired', 'revoked']),
});

/** Seven days: the longest a SigV4 presigned URL can be valid. */
const maxShareSeconds = 7 * 24 * 60 * 60;

export const endpointCommands = {
  'endpoints.list': command('Endpoints configured on this device (secrets never included).', z.object({}).strict(), z.object({ endpoints: z.array(endpointViewSchema) })),
  'endpoints.add': command(
    'Add or replace an endpoint (S3-compatible).',
    z
      .object({
        name: endpointName,
        url: z.string().url().max(2048),
        region: z.string().min(1).max(64).default('us-east-1'),
        bucket: z.string().min(3).max(63),
        prefix: z.string().max(512).default(''),
        accessKeyId: z.string().min(1).max(256),
        secretAccessKey: z.string().min(1).max(256),
        role: z.enum(['backup', 'sync']).default('backup'),
        storageClass: z.string().max(64).optional(),
        bandwidthLimit: z.number().int().nonnegative().default(0),
        mirror: z.boolean().default(false),
      })
      .strict(),
    endpointViewSchema,
  ),
  'endpoints.remove': command('Forget an endpoint on this device (its data stays in the bucket).', z.object({ name: endpointName }).strict(), z.object({})),
  'endpoints.test': command('Check reachability, credentials, bucket, write access and clock skew.', z.object({ name: endpointName }).strict(), healthCheckSchema),
  'backup.run': command('Copy everything the endpoint lacks, verify, and record the job.', z.object({ endpoint: endpointName }).strict(), backupReportSchema),
  'backup.verify': command(
    'Download and check objects on an endpoint; repair bad or missing ones.',
    z.object({ endpoint: endpointName, sample: z.number().gt(0).lte(1).default(1) }).strict(),
    verifyReportSchema,
  ),
  'mirror.status': command(
    'Continuous mirroring: what each mirrored endpoint still has to receive, and its last error.',
    z.object({ endpoint: endpointName.optional() }).strict(),
    z.object({ endpoints: z.array(mirrorStatusSchema) }),
  ),
  'mirror.sync': command(
    'Copy now everything the mirrored endpoints (or the one named) lack, and wait until done.',
    z.object({ endpoint: endpointName.optional() }).strict(),
    z.object({ endpoints: z.array(mirrorStatusSchema) }),
  ),
  'placement.version': command('Which endpoints hold a version, and when it was verified there.', z.object({ version: z.string().min(1).max(300) }).strict(), versionPlacementSchema),
  'placement.missing': command(
    'Repository objects an endpoint is not known to hold (per this device\'s inventory of it).',
    z.object({ endpoint: endpointName, limit: z.number().int().positive().max(100_000).default(1000) }).strict(),
    z.object({ endpoint: z.string(), count: z.number().int(), bytes: z.number(), objects: z.array(z.object({ key: z.string(), size: z.number() })) }),
  ),
  'placement.minCopies.set': command(
    'How many endpoints must hold a verified copy of each published version of a collection (0 removes the rule). Device-local.',
    z.object({ collection: z.string().min(1).max(200), copies: z.number().int().nonnegative().max(100) }).strict(),
    z.object({ minCopies: z.record(z.string(), z.number().int()) }),
  ),
  'placement.underReplicated': command(
    'Published versions with fewer verified endpoint copies than their collection requires.',
    z.object({}).strict(),
    z.object({
      minCopies: z.record(z.string(), z.number().int()),
      versions: z.array(z.object({ versionId: z.string(), reference: z.string(), collection: z.string(), verifiedCopies: z.number().int(), required: z.number().int() })),
    }),
  ),
  'restore.fromEndpoint': command(
    'Restore a version from an endpoint alone (no local repository needed): catalogue from its manifest, bytes by range reads.',
    z
      .object({
        endpoint: endpointName,
        version: z.string().min(1).max(300),
        target: z.string().min(1).max(4096),
        path: z.string().max(4096).optional(),
        overwrite: z.boolean().default(false),
        anyStatus: z.boolean().default(false),
      })
      .strict(),
    z.object({ version: versionViewSchema, files: z.number().int(), bytes: z.number(), target: z.string(), durationMs: z.number() }),
  ),
  'share.create': command(
    'Export a published single-file version to an endpoint and return a presigned download link (at most 7 days).',
    z
      .object({
        version: z.string().min(1).max(300),
        name: z.string().min(1).max(255).optional(),
        expiresInSeconds: z.number().int().positive().max(maxShareSeconds).default(24 * 60 * 60),
        endpoint: endpointName.optional(),
      })
      .strict(),
    z.object({ url: z.string(), s3Uri: z.string(), expiresAt: z.string(), endpoint: z.string(), key: z.string(), version: z.string() }),
  ),
  'share.revoke': command(
    "Delete a version's exported file (on one endpoint, or all), which stops its links, and record it.",
    z.object({ version: z.string().min(1).max(300), endpoint: endpointName.optional() }).strict(),
    z.object({ revoked: z.array(shareLinkSchema) }),
  ),
  'share.list': command('Share links recorded in the catalogue, newest first.', z.object({ version: z.string().min(1).max(300).optional() }).strict(), z.object({ links: z.array(shareLinkSchema) })),
  'backup.history': command(
    'Backup jobs recorded in the catalogue, newest first.',
    z.object({ endpoint: endpointName.optional(), limit: z.number().int().positive().max(1000).default(50) }).strict(),
    z.object({ jobs: z.array(backupReportSchema) }),
  ),
};
