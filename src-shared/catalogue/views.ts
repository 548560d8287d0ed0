import { z } from 'zod';
import { versionStatuses } from './lifecycle';
import { eventKinds, linkKinds } from './records';

/**
 * The materialised catalogue as clients see it: what the contract's catalogue commands return.
 * Times are ms since the epoch (UTC). Version numbers (v1, v2, …) are derived from the merged
 * history (versions of an artifact ordered by creation time, then id), never stored.
 */

export const versionStatusSchema = z.enum(versionStatuses);
export const linkKindSchema = z.enum(linkKinds);
export const eventKindSchema = z.enum(eventKinds);

const hexId = z.string().regex(/^[0-9a-f]{32}$/);

export const provenanceSchema = z.object({
  sourcePath: z.string().nullable(),
  host: z.string().nullable(),
  tool: z.string().nullable(),
});

export const artifactViewSchema = z.object({
  id: hexId,
  collection: z.string(),
  name: z.string(),
  type: z.string(),
  tags: z.array(z.string()),
  description: z.string().nullable(),
  license: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  createdAt: z.number(),
  /** Creation time of the newest version. */
  updatedAt: z.number(),
  /** The newest version that is not deleted; null when every version is deleted. */
  headVersionId: hexId.nullable(),
  headNumber: z.number().int().positive().nullable(),
  headStatus: versionStatusSchema.nullable(),
  headSize: z.number().nullable(),
  versionCount: z.number().int().nonnegative(),
  deleted: z.boolean(),
  deletedAt: z.number().nullable(),
});
export type ArtifactView = z.infer<typeof artifactViewSchema>;

export const versionViewSchema = z.object({
  id: hexId,
  artifactId: hexId,
  collection: z.string(),
  name: z.string(),
  /** 1-based, derived: stable on every device once they have the same history. */
  number: z.number().int().positive(),
  treeId: z.string(),
  sha256: z.string(),
  size: z.number(),
  createdAt: z.number(),
  deviceId: z.string(),
  message: z.string(),
  parentVersionId: hexId.nullable(),
  restoredFrom: hexId.nullable(),
  provenance: provenanceSchema,
  status: versionStatusSchema,
  isHead: z.boolean(),
  /** Tombstoned (by itself or with its artifact); undoable until garbage collection. */
  deleted: z.boolean(),
  deletedAt: z.number().nullable(),
});
export type VersionView = z.infer<typeof versionViewSchema>;

export const eventViewSchema = z.object({
  id: z.string(),
  kind: eventKindSchema,
  at: z.number(),
  device: z.string(),
  artifactId: hexId.nullable(),
  versionId: hexId.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type EventView = z.infer<typeof eventViewSchema>;

export const validatorResultSchema = z.object({
  pass: z.boolean(),
  /** What the validator printed or answered, at most 4 KiB of UTF-8 (head and tail kept). */
  outputExcerpt: z.string(),
  durationMs: z.number().nonnegative(),
  timedOut: z.boolean(),
  /** The command or URL, for people. */
  validator: z.string(),
  exitCode: z.number().int().nullable(),
  httpStatus: z.number().int().nullable(),
});
export type ValidatorResult = z.infer<typeof validatorResultSchema>;

export const linkViewSchema = z.object({
  kind: linkKindSchema,
  versionId: hexId,
  /** `collection/name@vN` when the other version is known here, else null. */
  reference: z.string().nullable(),
});
export type LinkView = z.infer<typeof linkViewSchema>;

export const versionDetailSchema = z.object({
  version: versionViewSchema,
  artifact: artifactViewSchema,
  outgoingLinks: z.array(linkViewSchema),
  incomingLinks: z.array(linkViewSchema),
  lastValidation: validatorResultSchema.nullable(),
  events: z.array(eventViewSchema),
});
export type VersionDetail = z.infer<typeof versionDetailSchema>;

export const forgetItemSchema = z.object({
  versionId: hexId,
  artifactId: hexId,
  /** `collection/name`. */
  artifact: z.string(),
  number: z.number().int().positive(),
  createdAt: z.number(),
  size: z.number(),
  reason: z.string(),
});
export type ForgetItem = z.infer<typeof forgetItemSchema>;
