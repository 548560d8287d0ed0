import { isVersionStatus, type VersionStatus } from './lifecycle';

/**
 * The records stored in the manifest's Y.Maps (DESIGN.md 5). Every value is UTF-8 JSON in a
 * Uint8Array: measured on 100k versions, binary values load about 2x faster than JSON strings
 * and 5x faster than JSON objects (which Yjs decodes field by field).
 *
 * Two kinds of record:
 * - immutable records (artifact claims, versions, events, devices), keyed by something no two
 *   devices ever write: a random 128-bit id, or `<subject>|<deviceId>`;
 * - last-writer-wins candidates (status, tags, metadata, links, tombstones): each device writes
 *   its own candidate under `<subject>|<deviceId>` and readers pick the greatest stamp
 *   `(at, device)`. So no two devices ever write the same key, Yjs never has to resolve a
 *   conflict, and the materialised value is a pure function of the set of updates.
 *
 * The guards below are hand-written rather than zod: they run on every record at load (100k+)
 * and zod costs ~1.4 µs per record there, a seventh of the load budget. For the same reason they
 * check types and lengths, not the hex alphabet of ids and digests: a record that passes cannot
 * break the code that reads it, and records come only from authenticated objects.
 */

export const linkKinds = ['derived_from', 'trained_on', 'depends_on', 'supersedes'] as const;
export type LinkKind = (typeof linkKinds)[number];

export const eventKinds = [
  'created',
  'status_changed',
  'rolled_back',
  'tagged',
  'metadata_changed',
  'linked',
  'deleted',
  'restored',
  'backup_run',
  'validator_ran',
  // Share links (engine/share): a version exported to an endpoint with a presigned URL, and its removal.
  'shared',
  'share_revoked',
  // Watched folders (engine/watch): a file moved or renamed on disk; history follows it.
  'renamed',
] as const;
export type EventKind = (typeof eventKinds)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Provenance {
  sourcePath: string | null;
  host: string | null;
  tool: string | null;
}

/** One immutable version. Its creation is its own audit event (no separate `created` record). */
export interface VersionRecord {
  id: string;
  artifactId: string;
  treeId: string;
  sha256: string;
  size: number;
  /** ms since the epoch; never earlier than the artifact's previous newest version. */
  createdAt: number;
  deviceId: string;
  message: string;
  parentVersionId: string | null;
  restoredFrom: string | null;
  provenance: Provenance;
}

/**
 * A device's claim that an artifact exists: written with the device's first version of it.
 * Keyed `<artifactId>|<deviceId>`; the earliest claim `(createdAt, deviceId)` is canonical.
 */
export interface ArtifactClaim {
  artifactId: string;
  collection: string;
  name: string;
  type: string;
  createdAt: number;
  deviceId: string;
}

/** The stamp that orders last-writer-wins candidates: greater `at`, then greater `device`. */
export interface Stamp {
  at: number;
  device: string;
}

export interface StatusCandidate extends Stamp {
  versionId: string;
  value: VersionStatus;
  reason: string | null;
}

export interface TagCandidate extends Stamp {
  artifactId: string;
  tag: string;
  /** Whether the artifact carries the tag. */
  value: boolean;
}

/** `field` is `description`, `license`, `type` or `x.<key>` for free metadata. */
export interface MetaCandidate extends Stamp {
  artifactId: string;
  field: string;
  /** null clears the field. */
  value: string | null;
}

export interface LinkCandidate extends Stamp {
  from: string;
  kind: LinkKind;
  to: string;
  /** Whether the link exists. */
  value: boolean;
}

export interface TombstoneCandidate extends Stamp {
  target: 'artifact' | 'version';
  id: string;
  /** true = deleted (tombstoned), false = restored. */
  value: boolean;
  reason: string | null;
}

export interface EventRecord {
  id: string;
  kind: EventKind;
  at: number;
  device: string;
  artifactId: string | null;
  versionId: string | null;
  details: { [key: string]: JsonValue };
}

export interface DeviceRecord {
  deviceId: string;
  name: string;
  host: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Subjects: the thing a candidate is about. Its map key is `<subject>|<device>`. */
export const subjectOf = {
  status: (c: Pick<StatusCandidate, 'versionId'>) => c.versionId,
  tag: (c: Pick<TagCandidate, 'artifactId' | 'tag'>) => `${c.artifactId}/${c.tag}`,
  meta: (c: Pick<MetaCandidate, 'artifactId' | 'field'>) => `${c.artifactId}/${c.field}`,
  link: (c: Pick<LinkCandidate, 'from' | 'kind' | 'to'>) => `${c.from}/${c.kind}/${c.to}`,
  tombstone: (c: Pick<TombstoneCandidate, 'target' | 'id'>) => `${c.target}/${c.id}`,
  claim: (c: Pick<ArtifactClaim, 'artifactId'>) => c.artifactId,
} as const;

/** The map key of a device's candidate (or claim) about `subject`. Device ids never hold `|`. */
export function candidateKey(subject: string, device: string): string {
  return `${subject}|${device}`;
}

/** Splits a candidate key at its last `|`; null when it has none. */
export function splitCandidateKey(key: string): { subject: string; device: string } | null {
  const bar = key.lastIndexOf('|');
  if (bar <= 0 || bar === key.length - 1) return null;
  return { subject: key.slice(0, bar), device: key.slice(bar + 1) };
}

/** True when `a` is newer than `b`: greater `at`, then greater device id. */
export function isNewerStamp(a: Stamp, b: Stamp): boolean {
  return a.at !== b.at ? a.at > b.at : a.device > b.device;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeRecord(record: object): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

/**
 * A version record with `artifactId` first, so readers can tell which artifact a stored version
 * belongs to without parsing it (peekVersionArtifactId).
 */
export function encodeVersionRecord(version: VersionRecord): Uint8Array {
  const { artifactId, ...rest } = version;
  return encodeRecord({ artifactId, ...rest });
}

const artifactIdPrefix = encoder.encode('{"artifactId":"');
const idEnd = artifactIdPrefix.length + 32;

const hexDigit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/**
 * The first 7 hex digits of the artifact id peekVersionArtifactId would read, as a number; -1
 * when the value has another layout. With isVersionOfArtifact, it finds an artifact already
 * known without making a string per stored version (the load of 100k versions does this 100k
 * times).
 */
export function peekVersionArtifactPrefix(value: Uint8Array): number {
  if (value.length <= idEnd || value[idEnd] !== 0x22) return -1;
  for (let i = 0; i < artifactIdPrefix.length; i += 1) if (value[i] !== artifactIdPrefix[i]) return -1;
  let prefix = 0;
  for (let i = artifactIdPrefix.length; i < idEnd; i += 1) {
    const digit = hexDigit(value[i] as number);
    if (digit < 0) return -1;
    if (i < artifactIdPrefix.length + 7) prefix = prefix * 16 + digit;
  }
  return prefix;
}

/** True when a value peekVersionArtifactPrefix accepted names `artifactId`. */
export function isVersionOfArtifact(value: Uint8Array, artifactId: string): boolean {
  if (artifactId.length !== idEnd - artifactIdPrefix.length) return false;
  for (let i = 0; i < artifactId.length; i += 1) if (value[artifactIdPrefix.length + i] !== artifactId.charCodeAt(i)) return false;
  return true;
}

/**
 * The artifact id of a stored version value written by encodeVersionRecord, read from its first
 * bytes; null when the value has another layout (then parse it in full).
 */
export function peekVersionArtifactId(value: Uint8Array): string | null {
  if (value.length <= idEnd || value[idEnd] !== 0x22) return null;
  for (let i = 0; i < artifactIdPrefix.length; i += 1) if (value[i] !== artifactIdPrefix[i]) return null;
  for (let i = artifactIdPrefix.length; i < idEnd; i += 1) {
    const c = value[i] as number;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return null;
  }
  // 32 arguments spelled out: no subarray view and no spread per call (it runs once per stored
  // version at load; measured half the time of `fromCharCode.apply(null, subarray)`).
  const v = value as unknown as number[];
  const o = artifactIdPrefix.length;
  return String.fromCharCode(
    v[o]!, v[o + 1]!, v[o + 2]!, v[o + 3]!, v[o + 4]!, v[o + 5]!, v[o + 6]!, v[o + 7]!,
    v[o + 8]!, v[o + 9]!, v[o + 10]!, v[o + 11]!, v[o + 12]!, v[o + 13]!, v[o + 14]!, v[o + 15]!,
    v[o + 16]!, v[o + 17]!, v[o + 18]!, v[o + 19]!, v[o + 20]!, v[o + 21]!, v[o + 22]!, v[o + 23]!,
    v[o + 24]!, v[o + 25]!, v[o + 26]!, v[o + 27]!, v[o + 28]!, v[o + 29]!, v[o + 30]!, v[o + 31]!,
  );
}

/** Parses a stored value; null for anything that is not UTF-8 JSON bytes. */
export function decodeRecordJson(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return null;
  try {
    return JSON.parse(decoder.decode(value));
  } catch {
    return null;
  }
}

// --- guards: each returns the record when well-formed, else null ------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isId = (v: unknown): v is string => isStr(v) && v.length === 32;
const isDigest = (v: unknown): v is string => isStr(v) && v.length === 64;
const isIdOrNull = (v: unknown): v is string | null => v === null || isId(v);
const isDevice = (v: unknown): v is string => isStr(v) && v.length > 0 && v.length <= 64 && !v.includes('|');
const isStamp = (o: Obj) => isTime(o.at) && isDevice(o.device);

export function asVersionRecord(v: unknown): VersionRecord | null {
  if (!isObj(v)) return null;
  const p = v.provenance;
  const ok =
    isId(v.id) &&
    isId(v.artifactId) &&
    isDigest(v.treeId) &&
    isDigest(v.sha256) &&
    isTime(v.size) &&
    isTime(v.createdAt) &&
    isDevice(v.deviceId) &&
    isStr(v.message) &&
    isIdOrNull(v.parentVersionId) &&
    isIdOrNull(v.restoredFrom) &&
    isObj(p) &&
    isStrOrNull(p.sourcePath) &&
    isStrOrNull(p.host) &&
    isStrOrNull(p.tool);
  return ok ? (v as unknown as VersionRecord) : null;
}

export function asArtifactClaim(v: unknown): ArtifactClaim | null {
  if (!isObj(v)) return null;
  const ok = isId(v.artifactId) && isStr(v.collection) && isStr(v.name) && isStr(v.type) && isTime(v.createdAt) && isDevice(v.deviceId);
  return ok ? (v as unknown as ArtifactClaim) : null;
}

export function asStatusCandidate(v: unknown): StatusCandidate | null {
  if (!isObj(v)) return null;
  return isStamp(v) && isId(v.versionId) && isVersionStatus(v.value) && isStrOrNull(v.reason) ? (v as unknown as StatusCandidate) : null;
}

export function asTagCandidate(v: unknown): TagCandidate | null {
  if (!isObj(v)) return null;
  return isStamp(v) && isId(v.artifactId) && isStr(v.tag) && isBool(v.value) ? (v as unknown as TagCandidate) : null;
}

export function asMetaCandidate(v: unknown): MetaCandidate | null {
  if (!isObj(v)) return null;
  return isStamp(v) && isId(v.artifactId) && isStr(v.field) && isStrOrNull(v.value) ? (v as unknown as MetaCandidate) : null;
}

export function asLinkCandidate(v: unknown): LinkCandidate | null {
  if (!isObj(v)) return null;
  const kindOk = isStr(v.kind) && (linkKinds as readonly string[]).includes(v.kind);
  return isStamp(v) && isId(v.from) && kindOk && isId(v.to) && isBool(v.value) ? (v as unknown as LinkCandidate) : null;
}

export function asTombstoneCandidate(v: unknown): TombstoneCandidate | null {
  if (!isObj(v)) return null;
  const targetOk = v.target === 'artifact' || v.target === 'version';
  return isStamp(v) && targetOk && isId(v.id) && isBool(v.value) && isStrOrNull(v.reason) ? (v as unknown as TombstoneCandidate) : null;
}

export function asEventRecord(v: unknown): EventRecord | null {
  if (!isObj(v)) return null;
  const kindOk = isStr(v.kind) && (eventKinds as readonly string[]).includes(v.kind);
  return isId(v.id) && kindOk && isStamp(v) && isIdOrNull(v.artifactId) && isIdOrNull(v.versionId) && isObj(v.details)
    ? (v as unknown as EventRecord)
    : null;
}

export function asDeviceRecord(v: unknown): DeviceRecord | null {
  if (!isObj(v)) return null;
  return isDevice(v.deviceId) && isStr(v.name) && isStr(v.host) && isTime(v.firstSeenAt) && isTime(v.lastSeenAt) ? (v as unknown as DeviceRecord) : null;
}
