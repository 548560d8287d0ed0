import { z } from 'zod';
import { command, event } from './define';

const folderId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** One gitignore-syntax pattern (one line of a .gitignore; `!pattern` re-includes). */
const ignorePattern = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !/[\r\n\0]/.test(p), 'one pattern per entry: no line breaks or NUL');
const ignoreRules = z.array(ignorePattern).max(200);
const typeRule = z.object({ glob: z.string().min(1).max(512), type: z.string().min(1).max(64) }).strict();

export const watchedFolderViewSchema = z.object({
  id: z.string(),
  path: z.string(),
  collection: z.string(),
  mode: z.enum(['auto-publish', 'draft']),
  bundles: z.boolean(),
  typeRules: z.array(z.object({ glob: z.string(), type: z.string() })),
  /** The folder's own ignore rules (gitignore syntax), applied with the defaults, the collection's and `.cairnignore`. */
  ignore: z.array(z.string()),
  maxFileSize: z.number().optional(),
  paused: z.boolean(),
  /** 'paused', or the watcher's state (watching, missing, stopped, …). */
  state: z.string(),
});

export const watchCommands = {
  'watch.list': command('Watched folders on this device and their state.', z.object({}).strict(), z.object({ folders: z.array(watchedFolderViewSchema), paused: z.boolean() })),
  'watch.add': command(
    'Watch a folder: every stable change becomes a version in its collection.',
    z
      .object({
        path: z.string().min(1).max(4096),
        collection: z.string().min(1).max(63),
        mode: z.enum(['auto-publish', 'draft']).default('draft'),
        bundles: z.boolean().default(false),
        typeRules: z.array(typeRule).max(100).default([]),
        /** gitignore-syntax patterns kept out of versioning, in addition to `.cairnignore`. */
        ignore: ignoreRules.default([]),
        maxFileSize: z.number().int().positive().optional(),
      })
      .strict(),
    watchedFolderViewSchema,
  ),
  'watch.remove': command('Stop watching a folder (its history stays).', z.object({ id: folderId }).strict(), z.object({})),
  'watch.update': command(
    'Change a watched folder: mode, collection, type rules, ignore rules, size limit, paused.',
    z
      .object({
        id: folderId,
        collection: z.string().min(1).max(63).optional(),
        mode: z.enum(['auto-publish', 'draft']).optional(),
        typeRules: z.array(typeRule).max(100).optional(),
        ignore: ignoreRules.optional(),
        maxFileSize: z.number().int().positive().optional(),
        paused: z.boolean().optional(),
      })
      .strict(),
    watchedFolderViewSchema,
  ),
  'watch.pause': command('Pause one folder (remembered) or, without id, all (until resume or restart).', z.object({ id: folderId.optional() }).strict(), z.object({})),
  'watch.resume': command('Resume one folder or all; changes made meanwhile are caught up.', z.object({ id: folderId.optional() }).strict(), z.object({})),
};

export const watchEvents = {
  'watch.activity': event(
    'What the folder watchers do: queued, ingesting, published, skipped, blocked, error, renamed, deleted, folder-missing, …',
    z.object({ type: z.string(), folderId: z.string() }).passthrough(),
  ),
};
