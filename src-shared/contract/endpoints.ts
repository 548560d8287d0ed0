import { z } from 'zod';
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
    }),
  ),
});

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
  'backup.history': command(
    'Backup jobs recorded in the catalogue, newest first.',
    z.object({ endpoint: endpointName.optional(), limit: z.number().int().positive().max(1000).default(50) }).strict(),
    z.object({ jobs: z.array(backupReportSchema) }),
  ),
};
