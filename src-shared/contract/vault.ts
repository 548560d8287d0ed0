import { z } from 'zod';
import { versionViewSchema } from '../catalogue/views';
import { command, event } from './define';

/**
 * Commands that join the byte layer and the catalogue: add content as a version, restore a
 * version to a folder, garbage collection, and the manifest replica the renderer keeps.
 */
const pathSchema = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'must not contain NUL');
const versionRef = z.string().min(1).max(700);

export const vaultCommands = {
  'catalogue.add': command(
    'Store a file or folder as the next version of an artifact (no new version when the content is unchanged).',
    z
      .object({
        path: pathSchema,
        name: z.string().min(1).max(255).optional(),
        collection: z.string().min(1).max(128).optional(),
        type: z.string().min(1).max(64).optional(),
        message: z.string().max(4096).optional(),
        /** Read every file, even those unchanged since the last add of this path. */
        reread: z.boolean().optional(),
      })
      .strict(),
    z.object({
      version: versionViewSchema,
      created: z.boolean(),
      bytesRead: z.number(),
      bytesNew: z.number(),
      files: z.number().int(),
      durationMs: z.number(),
    }),
  ),
  'catalogue.restoreTo': command(
    "Write a version's content (or one path of it) into a folder.",
    z
      .object({
        version: versionRef,
        target: pathSchema,
        path: z.string().max(4096).optional(),
        overwrite: z.boolean().default(false),
        /** Allow versions that are not published (the default only serves published ones). */
        anyStatus: z.boolean().default(false),
      })
      .strict(),
    z.object({ version: versionViewSchema, files: z.number().int(), bytes: z.number(), target: z.string(), durationMs: z.number() }),
  ),
  'repo.gc': command(
    'Remove stored data no live version needs (deleted versions past their grace period).',
    z.object({ dryRun: z.boolean().default(false), graceDays: z.number().min(0).max(3650).default(7) }).strict(),
    z.object({
      dryRun: z.boolean(),
      liveTrees: z.number().int(),
      liveBlobs: z.number().int(),
      packsBefore: z.number().int(),
      bytesBefore: z.number(),
      packsDeleted: z.number().int(),
      packsRepacked: z.number().int(),
      orphanPacksDeleted: z.number().int(),
      bytesAfter: z.number(),
      bytesFreed: z.number(),
    }),
  ),
  'manifest.state': command(
    'The manifest as a Yjs V2 update (base64) the caller lacks, given its state vector (base64).',
    z.object({ stateVector: z.string().max(10_000_000).optional() }).strict(),
    z.object({ update: z.string() }),
  ),
};

export const vaultEvents = {
  'manifest.update': event('A Yjs V2 update (base64) to the manifest, for replicas.', z.object({ update: z.string() })),
};
