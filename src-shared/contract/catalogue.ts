import { z } from 'zod';
import { command, event } from './define';
import { metadataKeyPattern, tagPattern, typeNamePattern, collectionPattern, limits } from '../catalogue/names';
import { retentionPolicySchema } from '../catalogue/retention-policy';
import { comparisonSchema, defaultContentBytes, fileContentSchema, maxContentBytes } from '../catalogue/content';
import {
  artifactViewSchema,
  eventKindSchema,
  eventViewSchema,
  forgetItemSchema,
  linkKindSchema,
  linkViewSchema,
  validatorResultSchema,
  versionDetailSchema,
  versionStatusSchema,
  versionViewSchema,
} from '../catalogue/views';

/**
 * The catalogue: artifacts, their versions, lifecycle, tags, metadata, lineage, retention and
 * the audit log (DESIGN.md 5, 6). References follow src-shared/catalogue/reference.ts:
 * `artifact` is `collection/name`, `name` or an artifact id; `version` is `name@v3`,
 * `collection/name@sha256:9f2c…`, a version id, or an artifact reference (its head).
 */

const artifactRef = z.string().min(1).max(600).describe('collection/name, name, or artifact id');
const versionRef = z.string().min(1).max(700).describe('name@v3, collection/name@sha256:<prefix>, version id, or an artifact (its head)');
const treePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL')
  .describe("a path inside the version's content, e.g. config.json or weights/part-1.bin");
const pageLimit = z.number().int().min(1).max(1000).default(100);
const policies = z.array(retentionPolicySchema).min(1).max(100);

export const catalogueCommands = {
  'catalogue.artifacts.list': command(
    'List or search artifacts, with filters and paging (offset or cursor); the order is stable.',
    z
      .object({
        collection: z.string().regex(collectionPattern).optional(),
        type: z.string().regex(typeNamePattern).optional(),
        tag: z.string().regex(tagPattern).optional(),
        /** Status of the head version. */
        status: versionStatusSchema.optional(),
        /** Case-insensitive substring of the name. */
        name: z.string().min(1).max(limits.nameLength).optional(),
        /** Hex prefix of any version's SHA-256. */
        sha256: z.string().regex(/^[0-9a-fA-F]{1,64}$/).optional(),
        includeDeleted: z.boolean().default(false),
        sort: z.enum(['name', 'updated']).default('name'),
        offset: z.number().int().min(0).optional(),
        cursor: z.string().max(2000).optional(),
        limit: pageLimit,
      })
      .strict()
      .refine((input) => input.offset === undefined || input.cursor === undefined, { message: 'give either offset or cursor, not both' }),
    z.object({ items: z.array(artifactViewSchema), total: z.number().int().nonnegative(), nextCursor: z.string().nullable() }),
  ),
  'catalogue.artifacts.get': command('One artifact by reference.', z.object({ artifact: artifactRef }).strict(), artifactViewSchema),
  'catalogue.artifacts.delete': command(
    'Delete an artifact (a tombstone: undo with catalogue.artifacts.restore until garbage collection).',
    z.object({ artifact: artifactRef, reason: z.string().max(1000).optional() }).strict(),
    artifactViewSchema,
  ),
  'catalogue.artifacts.restore': command('Undo the deletion of an artifact.', z.object({ artifact: artifactRef }).strict(), artifactViewSchema),
  'catalogue.versions.list': command(
    'The versions of an artifact, oldest first, with their derived numbers.',
    z.object({ artifact: artifactRef, includeDeleted: z.boolean().default(true) }).strict(),
    z.object({ artifact: artifactViewSchema, versions: z.array(versionViewSchema) }),
  ),
  'catalogue.versions.get': command(
    'One version with its links, last validation and events.',
    z.object({ version: versionRef }).strict(),
    versionDetailSchema,
  ),
  'catalogue.versions.restore': command(
    'Undo the deletion of versions (for instance after catalogue.forget.apply).',
    z.object({ versions: z.array(versionRef).min(1).max(10_000) }).strict(),
    z.object({ versions: z.array(versionViewSchema) }),
  ),
  'catalogue.status.set': command(
    'Move a version through its lifecycle (draft, on_verification, published, blocked, archived).',
    z.object({ version: versionRef, status: versionStatusSchema, reason: z.string().max(1000).optional() }).strict(),
    versionViewSchema,
  ),
  'catalogue.verify': command(
    "Send a version to verification: run its type's validator (if any) and publish it on a pass, block it on a failure.",
    z.object({ version: versionRef }).strict(),
    z.object({ version: versionViewSchema, validation: validatorResultSchema.nullable() }),
  ),
  'catalogue.tags.edit': command(
    'Add and remove tags of an artifact.',
    z
      .object({
        artifact: artifactRef,
        add: z.array(z.string().regex(tagPattern)).max(100).default([]),
        remove: z.array(z.string().regex(tagPattern)).max(100).default([]),
      })
      .strict(),
    artifactViewSchema,
  ),
  'catalogue.metadata.edit': command(
    'Edit the description, license, type or free metadata of an artifact (null clears a field).',
    z
      .object({
        artifact: artifactRef,
        description: z.string().max(limits.descriptionLength).nullable().optional(),
        license: z.string().max(limits.licenseLength).nullable().optional(),
        type: z.string().regex(typeNamePattern).optional(),
        metadata: z
          .record(z.string().regex(metadataKeyPattern), z.string().max(limits.metadataValueLength).nullable())
          .optional(),
      })
      .strict(),
    artifactViewSchema,
  ),
  'catalogue.link': command(
    'Add (or remove) a lineage link from one version to another.',
    z.object({ from: versionRef, kind: linkKindSchema, to: versionRef, remove: z.boolean().default(false) }).strict(),
    z.object({ outgoingLinks: z.array(linkViewSchema) }),
  ),
  'catalogue.rollback': command(
    "Make an old version's content the head again, as a new version (no new bytes).",
    z.object({ artifact: artifactRef, version: z.number().int().positive() }).strict(),
    z.object({ version: versionViewSchema, created: z.boolean() }),
  ),
  'catalogue.forget.preview': command(
    'Which versions retention policies would forget, and why; changes nothing.',
    z.object({ policies }).strict(),
    z.object({ items: z.array(forgetItemSchema) }),
  ),
  'catalogue.forget.apply': command(
    'Forget the versions retention policies select (tombstones, undoable until garbage collection).',
    z.object({ policies }).strict(),
    z.object({ items: z.array(forgetItemSchema) }),
  ),
  'catalogue.content': command(
    "Bytes of one file of a version (a range, at most 8 MiB a call): text as UTF-8, anything else base64, with the file's size, SHA-256 and media type.",
    z
      .object({
        version: versionRef,
        /** Needed when the version holds more than one file. */
        path: treePath.optional(),
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
        maxBytes: z.number().int().min(0).max(maxContentBytes).default(defaultContentBytes),
        /** `base64` always sends base64; `auto` sends text as text. */
        encoding: z.enum(['auto', 'base64']).default('auto'),
      })
      .strict(),
    fileContentSchema,
  ),
  'catalogue.compare': command(
    "What changed between two versions (a, the older, and b): each file's size and SHA-256 on both sides, and how much of b's bytes were already stored (chunk reuse).",
    z.object({ a: versionRef, b: versionRef, path: treePath.optional() }).strict(),
    comparisonSchema,
  ),
  'catalogue.events.list': command(
    'The audit log, newest first, optionally for one artifact or version.',
    z
      .object({
        artifact: artifactRef.optional(),
        version: versionRef.optional(),
        kinds: z.array(eventKindSchema).min(1).optional(),
        cursor: z.string().max(200).optional(),
        limit: pageLimit,
      })
      .strict(),
    z.object({ items: z.array(eventViewSchema), nextCursor: z.string().nullable() }),
  ),
};

export const catalogueEvents = {
  'catalogue.changed': event(
    'The catalogue changed (locally or from another device): refetch these artifacts.',
    z.object({
      /** Changed artifacts, at most 1000; `truncated` means more changed (refetch everything). */
      artifactIds: z.array(z.string()),
      truncated: z.boolean(),
      origin: z.enum(['local', 'remote']),
    }),
  ),
};
