/**
 * The renderer's materialisation of the manifest (DESIGN.md 5): the records of the Y.Doc's maps
 * folded into artifacts and versions, the same way the engine's catalogue does it
 * (src-main/engine/catalogue/views.ts), so the Library can list without asking the engine.
 *
 * Only what the Library and the timeline show is kept here. Links, the audit log and validator
 * results are read through the contract when an artifact is opened.
 *
 * Every derived fact is a function of the set of records, never of their arrival order: claims
 * pick the earliest, last-writer-wins registers the greatest stamp, versions sort by
 * (createdAt, id).
 */
import { initialStatus, type VersionStatus } from '../../src-shared/catalogue/lifecycle';
import {
  asArtifactClaim,
  asMetaCandidate,
  asStatusCandidate,
  asTagCandidate,
  asTombstoneCandidate,
  asVersionRecord,
  candidateKey,
  decodeRecordJson,
  isNewerStamp,
  splitCandidateKey,
  subjectOf,
  type ArtifactClaim,
  type MetaCandidate,
  type Stamp,
  type StatusCandidate,
  type TagCandidate,
  type TombstoneCandidate,
  type VersionRecord,
} from '../../src-shared/catalogue/records';
import type { ArtifactRow, VersionRow } from '../db/schema';

/** The manifest maps the Library is built from. */
export const indexedMapNames = ['artifacts', 'versions', 'status', 'tags', 'meta', 'tombstones'] as const;
export type IndexedMapName = (typeof indexedMapNames)[number];

/** The type of an artifact nobody typed (the engine's type config says the same). */
const fallbackType = 'file';

/** Per subject, every device's candidate and the winner (greatest stamp). */
class Registers<C extends Stamp> {
  private readonly candidates = new Map<string, Map<string, C>>();
  private readonly winners = new Map<string, C>();

  set(subject: string, device: string, candidate: C | null): void {
    let bySubject = this.candidates.get(subject);
    if (candidate === null) bySubject?.delete(device);
    else {
      if (!bySubject) this.candidates.set(subject, (bySubject = new Map()));
      bySubject.set(device, candidate);
    }
    let winner: C | undefined;
    for (const c of bySubject?.values() ?? []) if (!winner || isNewerStamp(c, winner)) winner = c;
    if (winner) this.winners.set(subject, winner);
    else this.winners.delete(subject);
  }

  winner(subject: string): C | undefined {
    return this.winners.get(subject);
  }
}

interface ArtifactState {
  readonly id: string;
  readonly claims: Map<string, ArtifactClaim>;
  claim: ArtifactClaim | null;
  readonly versions: VersionRecord[];
  sorted: boolean;
}

const compareVersions = (a: VersionRecord, b: VersionRecord): number =>
  a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const isEarlierClaim = (a: ArtifactClaim, b: ArtifactClaim) => (a.createdAt !== b.createdAt ? a.createdAt < b.createdAt : a.deviceId < b.deviceId);

/** The lower-cased name and its words, for word-prefix search. */
export function searchWords(name: string): string[] {
  const lower = name.toLowerCase();
  const words = new Set([lower]);
  for (const word of lower.split(/[^\p{L}\p{N}]+/u)) if (word) words.add(word);
  return [...words];
}

export class ManifestIndex {
  private readonly artifacts = new Map<string, ArtifactState>();
  private readonly versions = new Map<string, VersionRecord>();
  private readonly status = new Registers<StatusCandidate>();
  private readonly tags = new Registers<TagCandidate>();
  private readonly meta = new Registers<MetaCandidate>();
  private readonly tombstones = new Registers<TombstoneCandidate>();
  /** Tag and meta subjects per artifact, so an artifact's row is built without scanning all. */
  private readonly tagSubjects = new Map<string, Set<string>>();
  private readonly metaSubjects = new Map<string, Set<string>>();
  /** Records this Cairn could not read (a newer or broken writer): skipped and counted. */
  malformedRecords = 0;

  get artifactCount(): number {
    return this.artifacts.size;
  }

  get versionCount(): number {
    return this.versions.size;
  }

  /**
   * Folds one changed key of one map in; returns the artifact it touched, if any. `value` is
   * undefined when the key was removed (Cairn never removes keys, but a replica must not break).
   */
  apply(map: IndexedMapName, key: string, value: unknown): string | null {
    switch (map) {
      case 'versions':
        return this.onVersion(key, value);
      case 'artifacts':
        return this.onClaim(key, value);
      case 'status':
        return this.onCandidate(key, value, asStatusCandidate, subjectOf.status, this.status, (c) => this.versions.get(c.versionId)?.artifactId ?? null);
      case 'tags':
        return this.onCandidate(key, value, asTagCandidate, subjectOf.tag, this.tags, (c, subject) => this.remember(this.tagSubjects, c.artifactId, subject));
      case 'meta':
        return this.onCandidate(key, value, asMetaCandidate, subjectOf.meta, this.meta, (c, subject) => this.remember(this.metaSubjects, c.artifactId, subject));
      case 'tombstones':
        return this.onCandidate(key, value, asTombstoneCandidate, subjectOf.tombstone, this.tombstones, (c) =>
          c.target === 'artifact' ? c.id : (this.versions.get(c.id)?.artifactId ?? null),
        );
    }
  }

  /** The Library row of an artifact; null until its claim has arrived. */
  artifactRow(artifactId: string): ArtifactRow | null {
    const state = this.artifacts.get(artifactId);
    const claim = state?.claim;
    if (!state || !claim) return null;
    const versions = this.sortedVersions(state);
    const head = this.head(versions);
    const newest = versions[versions.length - 1];
    const fields = this.metaFields(artifactId);
    const metadata: Record<string, string> = {};
    for (const [field, value] of fields) if (field.startsWith('x.')) metadata[field.slice(2)] = value;
    const tombstone = this.liveTombstone(`artifact/${artifactId}`);
    return {
      id: artifactId,
      collection: claim.collection,
      name: claim.name,
      nameLower: claim.name.toLowerCase(),
      words: searchWords(claim.name),
      type: fields.get('type') ?? claim.type ?? fallbackType,
      tags: this.tagsOf(artifactId),
      status: head ? this.statusOf(head.id) : 'none',
      description: fields.get('description') ?? null,
      license: fields.get('license') ?? null,
      metadata,
      createdAt: claim.createdAt,
      updatedAt: newest?.createdAt ?? claim.createdAt,
      size: head?.size ?? 0,
      headVersionId: head?.id ?? null,
      headNumber: head ? versions.indexOf(head) + 1 : null,
      versionCount: versions.length,
      deleted: tombstone ? 1 : 0,
    };
  }

  /** Every version of an artifact, in number order, as the timeline shows them. */
  versionRows(artifactId: string): VersionRow[] {
    const state = this.artifacts.get(artifactId);
    const claim = state?.claim;
    if (!state || !claim) return [];
    const versions = this.sortedVersions(state);
    const head = this.head(versions);
    const artifactTombstone = this.liveTombstone(`artifact/${artifactId}`);
    return versions.map((version, index) => {
      const own = this.liveTombstone(`version/${version.id}`);
      const deletedAt = own || artifactTombstone ? Math.max(own?.at ?? 0, artifactTombstone?.at ?? 0) : null;
      return {
        ...version,
        provenance: { ...version.provenance },
        collection: claim.collection,
        name: claim.name,
        number: index + 1,
        status: this.statusOf(version.id),
        isHead: head?.id === version.id,
        deleted: deletedAt !== null,
        deletedAt,
      };
    });
  }

  // --- folding records in -----------------------------------------------------------------------

  private onVersion(key: string, value: unknown): string | null {
    const previous = this.versions.get(key);
    if (previous) {
      if (value !== undefined) return null; // versions are immutable
      this.versions.delete(key);
      const state = this.artifacts.get(previous.artifactId);
      if (state) state.versions.splice(state.versions.indexOf(previous), 1);
      return previous.artifactId;
    }
    if (value === undefined) return null;
    const version = asVersionRecord(decodeRecordJson(value));
    if (!version || version.id !== key) return this.malformed();
    this.versions.set(key, version);
    const state = this.state(version.artifactId);
    state.versions.push(version);
    state.sorted = false;
    return version.artifactId;
  }

  private onClaim(key: string, value: unknown): string | null {
    const split = splitCandidateKey(key);
    if (!split) return this.malformed();
    const state = this.state(split.subject);
    if (value === undefined) state.claims.delete(split.device);
    else {
      const claim = asArtifactClaim(decodeRecordJson(value));
      if (!claim || claim.artifactId !== split.subject || claim.deviceId !== split.device) return this.malformed();
      state.claims.set(split.device, claim);
    }
    let canonical: ArtifactClaim | null = null;
    for (const claim of state.claims.values()) if (!canonical || isEarlierClaim(claim, canonical)) canonical = claim;
    state.claim = canonical;
    return state.id;
  }

  private onCandidate<C extends Stamp>(
    key: string,
    value: unknown,
    guard: (v: unknown) => C | null,
    subjectFn: (c: C) => string,
    registers: Registers<C>,
    artifactOf: (candidate: C, subject: string) => string | null,
  ): string | null {
    const split = splitCandidateKey(key);
    if (!split) return this.malformed();
    let candidate: C | null = null;
    if (value !== undefined) {
      candidate = guard(decodeRecordJson(value));
      if (!candidate || candidateKey(subjectFn(candidate), candidate.device) !== key) return this.malformed();
    }
    const about = candidate ?? registers.winner(split.subject);
    registers.set(split.subject, split.device, candidate);
    return about ? artifactOf(about, split.subject) : null;
  }

  private remember(index: Map<string, Set<string>>, artifactId: string, subject: string): string {
    let subjects = index.get(artifactId);
    if (!subjects) index.set(artifactId, (subjects = new Set()));
    subjects.add(subject);
    return artifactId;
  }

  private malformed(): null {
    this.malformedRecords += 1;
    return null;
  }

  // --- derived facts ----------------------------------------------------------------------------

  private state(artifactId: string): ArtifactState {
    let state = this.artifacts.get(artifactId);
    if (!state) {
      state = { id: artifactId, claims: new Map(), claim: null, versions: [], sorted: true };
      this.artifacts.set(artifactId, state);
    }
    return state;
  }

  private sortedVersions(state: ArtifactState): VersionRecord[] {
    if (!state.sorted) {
      state.versions.sort(compareVersions);
      state.sorted = true;
    }
    return state.versions;
  }

  /** The newest version not deleted by itself (an artifact's own tombstone keeps its head). */
  private head(versions: VersionRecord[]): VersionRecord | null {
    for (let i = versions.length - 1; i >= 0; i -= 1) {
      const version = versions[i] as VersionRecord;
      if (!this.liveTombstone(`version/${version.id}`)) return version;
    }
    return null;
  }

  private statusOf(versionId: string): VersionStatus {
    return this.status.winner(versionId)?.value ?? initialStatus;
  }

  private liveTombstone(subject: string): TombstoneCandidate | null {
    const winner = this.tombstones.winner(subject);
    return winner?.value ? winner : null;
  }

  private tagsOf(artifactId: string): string[] {
    const tags: string[] = [];
    for (const subject of this.tagSubjects.get(artifactId) ?? []) {
      const winner = this.tags.winner(subject);
      if (winner?.value) tags.push(winner.tag);
    }
    return tags.sort();
  }

  private metaFields(artifactId: string): Map<string, string> {
    const fields = new Map<string, string>();
    for (const subject of this.metaSubjects.get(artifactId) ?? []) {
      const winner = this.meta.winner(subject);
      if (winner && winner.value !== null) fields.set(winner.field, winner.value);
    }
    return fields;
  }
}
