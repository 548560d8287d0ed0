import { z } from 'zod';
import { command, event } from './define';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-character hex id');
const absoluteOrRelativePath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'must not contain NUL');

export const snapshotResultSchema = z.object({
  treeId: hex64,
  digest: hex64,
  root: z.enum(['file', 'dir']),
  files: z.number().int(),
  dirs: z.number().int(),
  symlinks: z.number().int(),
  bytesRead: z.number(),
  bytesNew: z.number(),
  blobsNew: z.number().int(),
  /** Files taken unchanged from the last snapshot of the same path, not read again. */
  filesUnchanged: z.number().int().optional(),
  durationMs: z.number(),
});

export const checkReportSchema = z.object({
  ok: z.boolean(),
  packs: z.number().int(),
  blobs: z.number().int(),
  trees: z.number().int(),
  bytesRead: z.number(),
  problems: z.array(
    z.object({
      kind: z.enum(['missing-pack', 'bad-pack', 'index-mismatch', 'bad-tree', 'missing-blob', 'bad-blob']),
      message: z.string(),
      packId: z.string().optional(),
      blobId: z.string().optional(),
      affected: z.array(z.object({ treeId: z.string(), path: z.string() })),
    }),
  ),
  notes: z.array(z.string()),
});

export const repositoryInfoSchema = z.object({
  id: z.string(),
  location: z.string(),
  encrypted: z.boolean(),
  deviceId: z.string(),
  deviceName: z.string(),
});

export const repositoryCommands = {
  'repo.init': command(
    'Create the repository (optionally encrypted with a passphrase).',
    z.object({ passphrase: z.string().min(1).max(1024).nullable().default(null) }).strict(),
    repositoryInfoSchema,
  ),
  'repo.info': command('The open repository, or null when none exists yet.', z.object({}).strict(), repositoryInfoSchema.nullable()),
  'repo.snapshot': command(
    'Store a file or folder; returns its tree id and digest.',
    z
      .object({
        path: absoluteOrRelativePath,
        /** Read every file, even those unchanged since the last snapshot of this path. */
        reread: z.boolean().optional(),
      })
      .strict(),
    snapshotResultSchema,
  ),
  'repo.restore': command(
    'Restore a tree (or one path of it) into a folder.',
    z
      .object({
        treeId: hex64,
        target: absoluteOrRelativePath,
        path: z.string().max(4096).optional(),
        overwrite: z.boolean().default(false),
      })
      .strict(),
    z.object({ files: z.number().int(), dirs: z.number().int(), symlinks: z.number().int(), bytes: z.number(), durationMs: z.number(), target: z.string() }),
  ),
  'repo.check': command('Verify the repository structure, and with readData every byte.', z.object({ readData: z.boolean().default(false) }).strict(), checkReportSchema),
  'repo.stats': command(
    'Sizes and counts of what the repository stores.',
    z.object({}).strict(),
    z.object({
      packs: z.number().int(),
      packBytes: z.number(),
      blobs: z.number().int(),
      chunkBlobs: z.number().int(),
      treeBlobs: z.number().int(),
      storedBytes: z.number(),
      plainBytes: z.number(),
      indexSegments: z.number().int(),
    }),
  ),
};

export const repositoryEvents = {
  'job.progress': event(
    'Progress of a long operation (snapshot, restore, check, backup, verify).',
    z.object({
      jobId: z.string(),
      kind: z.enum(['snapshot', 'restore', 'check', 'backup', 'verify', 'gc']),
      /** What the job works on, when it is one named thing: the endpoint's name for backup, verify and restore from an endpoint. */
      subject: z.string().optional(),
      phase: z.string(),
      done: z.number(),
      total: z.number(),
      bytesDone: z.number().optional(),
      bytesTotal: z.number().optional(),
    }),
  ),
};
