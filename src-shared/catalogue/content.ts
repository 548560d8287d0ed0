import { z } from 'zod';
import { versionViewSchema } from './views';

/**
 * What `catalogue.content` and `catalogue.compare` return: one file of a version (for previews)
 * and what changed between two versions, with how much of the newer one's bytes were already
 * stored (chunk reuse).
 */

/** Bytes served by one `catalogue.content` call unless the caller asks for fewer. */
export const defaultContentBytes = 1024 * 1024;
/** The most one call serves: previews never pull a whole model file. */
export const maxContentBytes = 8 * 1024 * 1024;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const fileContentSchema = z.object({
  versionId: z.string(),
  /** `collection/name@vN` of the version. */
  label: z.string(),
  /** The file's path inside the version's tree. */
  path: z.string(),
  /** Size of the whole file. */
  size: z.number().int().nonnegative(),
  sha256: hex64,
  /** Guessed from the name, checked against the first bytes when they were read. */
  mime: z.string(),
  offset: z.number().int().nonnegative(),
  /** Bytes returned (`data` decodes to exactly this many). */
  length: z.number().int().nonnegative(),
  /** The file goes on after the returned bytes. */
  truncated: z.boolean(),
  /** `utf8` when the bytes are text (and `data` is that text), else `base64`. */
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

export const fileChangeSchema = z.enum(['added', 'removed', 'changed', 'unchanged']);
export type FileChange = z.infer<typeof fileChangeSchema>;

const fileSideSchema = z.object({ size: z.number().int().nonnegative(), sha256: hex64 }).nullable();

export const reuseSchema = z.object({
  /** Bytes (and chunks) of the newer side, counted as often as they occur. */
  bytes: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  /** Of those, in chunks the other side (`a`) has too. */
  bytesInA: z.number().int().nonnegative(),
  chunksInA: z.number().int().nonnegative(),
  /** Of those, in chunks an earlier version of b's artifact (or `a`, when older) has: already stored before b. */
  bytesStoredBefore: z.number().int().nonnegative(),
  chunksStoredBefore: z.number().int().nonnegative(),
  /** Earlier versions looked at for `bytesStoredBefore` (the most recent ones, at most a few hundred). */
  versionsBefore: z.number().int().nonnegative(),
});
export type Reuse = z.infer<typeof reuseSchema>;

export const fileComparisonSchema = z.object({
  path: z.string(),
  change: fileChangeSchema,
  /** Guessed from the name. */
  mime: z.string(),
  a: fileSideSchema,
  b: fileSideSchema,
  /** Bytes of b's file in chunks `a` has (anywhere in its tree); null when b has no such file. */
  bytesInA: z.number().int().nonnegative().nullable(),
});
export type FileComparison = z.infer<typeof fileComparisonSchema>;

export const comparisonSchema = z.object({
  a: versionViewSchema,
  b: versionViewSchema,
  /** Same files with the same bytes on both sides (within `path`, when given). */
  sameContent: z.boolean(),
  /** Files of both sides by path, changed ones first; at most 5000 (see `counts`). */
  files: z.array(fileComparisonSchema),
  counts: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int(), unchanged: z.number().int() }),
  /** Chunk reuse of b's files (within `path`). */
  reuse: reuseSchema,
});
export type Comparison = z.infer<typeof comparisonSchema>;
