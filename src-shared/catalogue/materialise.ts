import { initialStatus, type VersionStatus } from './lifecycle';
import type { LwwRegisters } from './lww-registers';
import {
  asArtifactClaim,
  asLinkCandidate,
  asMetaCandidate,
  asStatusCandidate,
  asTagCandidate,
  asTombstoneCandidate,
  candidateKey,
  decodeRecordJson,
  splitCandidateKey,
  subjectOf,
  type ArtifactClaim,
  type Stamp,
  type StatusCandidate,
  type TombstoneCandidate,
  type VersionRecord,
} from './records';

/**
 * The rules that fold the manifest's records into a catalogue (DESIGN.md 5), shared by the
 * engine's index (src-main/engine/catalogue/catalogue-index.ts) and the renderer's replica
 * (src-renderer/replica/manifest-index.ts) so both derive the same facts from the same records.
 *
 * Every rule is a function of the set of records, never of their arrival order: versions sort by
 * (createdAt, id), the earliest claim is canonical, last-writer-wins registers pick the greatest
 * stamp (LwwRegisters).
 */

/** The type of an artifact nobody typed (the type config's catch-all). */
export const fallbackType = 'file';

/** Version number order: createdAt, then id. */
export const compareVersions = (a: VersionRecord, b: VersionRecord): number =>
  a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const isEarlierClaim = (a: ArtifactClaim, b: ArtifactClaim) => (a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.deviceId < b.deviceId);

/** The canonical claim of an artifact: the earliest (createdAt, then device id). */
export function canonicalClaim(claims: Iterable<ArtifactClaim>): ArtifactClaim | null {
  let canonical: ArtifactClaim | null = null;
  for (const claim of claims) if (!canonical || isEarlierClaim(claim, canonical)) canonical = claim;
  return canonical;
}

/** A stored claim or candidate: whose key it is, and the record (null: the key was removed). */
export interface StoredCandidate<C> {
  subject: string;
  device: string;
  candidate: C | null;
}

/**
 * Reads a candidate stored under `key` (`<subject>|<device>`): null when it is malformed (a
 * newer or broken writer), including a record whose own subject and device do not give `key`.
 * `value` undefined means the key was removed.
 */
function readCandidate<C extends Stamp>(
  key: string,
  value: unknown,
  guard: (v: unknown) => C | null,
  subjectFn: (c: C) => string,
): StoredCandidate<C> | null {
  const split = splitCandidateKey(key);
  if (!split) return null;
  if (value === undefined) return { ...split, candidate: null };
  const candidate = guard(decodeRecordJson(value));
  if (!candidate || candidateKey(subjectFn(candidate), candidate.device) !== key) return null;
  return { ...split, candidate };
}

/** Reads an artifact claim stored under `<artifactId>|<deviceId>`; null when malformed. */
function readClaim(key: string, value: unknown): StoredCandidate<ArtifactClaim> | null {
  const split = splitCandidateKey(key);
  if (!split) return null;
  if (value === undefined) return { ...split, candidate: null };
  const claim = asArtifactClaim(decodeRecordJson(value));
  if (!claim || claim.artifactId !== split.subject || claim.deviceId !== split.device) return null;
  return { ...split, candidate: claim };
}

/** Reads a stored record of each map of candidates (manifest/schema.ts) by its key and value. */
export const readStored = {
  artifacts: readClaim,
  status: (key: string, value: unknown) => readCandidate(key, value, asStatusCandidate, subjectOf.status),
  tags: (key: string, value: unknown) => readCandidate(key, value, asTagCandidate, subjectOf.tag),
  meta: (key: string, value: unknown) => readCandidate(key, value, asMetaCandidate, subjectOf.meta),
  links: (key: string, value: unknown) => readCandidate(key, value, asLinkCandidate, subjectOf.link),
  tombstones: (key: string, value: unknown) => readCandidate(key, value, asTombstoneCandidate, subjectOf.tombstone),
} as const;

/** A version's status: its register's winner, or where every version starts. */
export function statusFrom(registers: LwwRegisters<StatusCandidate>, versionId: string): VersionStatus {
  return registers.winner(versionId)?.value ?? initialStatus;
}

/** The winning tombstone of `artifact/<id>` or `version/<id>` when it deletes; null while live. */
export function liveTombstone(registers: LwwRegisters<TombstoneCandidate>, target: TombstoneCandidate['target'], id: string): TombstoneCandidate | null {
  const winner = registers.winner(`${target}/${id}`);
  return winner?.value ? winner : null;
}

/** When a version became deleted (by itself or with its artifact), or null while it is live. */
export function deletedAtOf(own: TombstoneCandidate | null, artifact: TombstoneCandidate | null): number | null {
  if (!own && !artifact) return null;
  return Math.max(own?.at ?? 0, artifact?.at ?? 0);
}

/**
 * An artifact's head: its newest version that is not deleted by itself (an artifact's own
 * tombstone keeps its head). `versions` in number order.
 */
export function headOf(versions: readonly VersionRecord[], isDeleted: (versionId: string) => boolean): VersionRecord | null {
  for (let i = versions.length - 1; i >= 0; i -= 1) {
    const version = versions[i] as VersionRecord;
    if (!isDeleted(version.id)) return version;
  }
  return null;
}
