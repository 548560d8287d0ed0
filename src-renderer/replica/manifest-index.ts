/**
 * The renderer's materialisation of the manifest (DESIGN.md 5): the records of the Y.Doc's maps
 * folded into artifacts and versions, the same way the engine's catalogue does it
 * (src-main/engine/catalogue/views.ts), so the Library can list without asking the engine. The
 * folding rules themselves are shared with the engine: src-shared/catalogue/materialise.ts.
 *
 * Only what the Library and the timeline show is kept here. Links, the audit log and validator
 * results are read through the contract when an artifact is opened.
 *
 * Every derived fact is a function of the set of records, never of their arrival order: claims
 * pick the earliest, last-writer-wins registers the greatest stamp, versions sort by
 * (createdAt, id).
 */
import type { VersionStatus } from '../../src-shared/catalogue/lifecycle';
import { LwwRegisters } from '../../src-shared/catalogue/lww-registers';
import { canonicalClaim, compareVersions, deletedAtOf, fallbackType, headOf, liveTombstone, readStored, statusFrom, type StoredCandidate } from '../../src-shared/catalogue/materialise';
import {
  asVersionRecord,
  decodeRecordJson,
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

interface ArtifactState {
  readonly id: string;
  readonly claims: Map<string, ArtifactClaim>;
  claim: ArtifactClaim | null;
  readonly versions: VersionRecord[];
  sorted: boolean;
}

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
  private readonly status = new LwwRegisters<StatusCandidate>();
  private readonly tags = new LwwRegisters<TagCandidate>();
  private readonly meta = new LwwRegisters<MetaCandidate>();
  private readonly tombstones = new LwwRegisters<TombstoneCandidate>();
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
        return this.onCandidate(readStored.status(key, value), this.status, (c) => this.versions.get(c.versionId)?.artifactId ?? null);
      case 'tags':
        return this.onCandidate(readStored.tags(key, value), this.tags, (c, subject) => this.remember(this.tagSubjects, c.artifactId, subject));
      case 'meta':
        return this.onCandidate(readStored.meta(key, value), this.meta, (c, subject) => this.remember(this.metaSubjects, c.artifactId, subject));
      case 'tombstones':
        return this.onCandidate(readStored.tombstones(key, value), this.tombstones, (c) =>
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
    const tombstone = liveTombstone(this.tombstones, 'artifact', artifactId);
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
    const artifactTombstone = liveTombstone(this.tombstones, 'artifact', artifactId);
    return versions.map((version, index) => {
      const deletedAt = deletedAtOf(liveTombstone(this.tombstones, 'version', version.id), artifactTombstone);
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
    const stored = readStored.artifacts(key, value);
    if (!stored) return this.malformed();
    const state = this.state(stored.subject);
    if (stored.candidate) state.claims.set(stored.device, stored.candidate);
    else state.claims.delete(stored.device);
    state.claim = canonicalClaim(state.claims.values());
    return state.id;
  }

  private onCandidate<C extends Stamp>(
    stored: StoredCandidate<C> | null,
    registers: LwwRegisters<C>,
    artifactOf: (candidate: C, subject: string) => string | null,
  ): string | null {
    if (!stored) return this.malformed();
    const about = stored.candidate ?? registers.winner(stored.subject);
    registers.set(stored.subject, stored.device, stored.candidate);
    return about ? artifactOf(about, stored.subject) : null;
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
    return headOf(versions, (id) => liveTombstone(this.tombstones, 'version', id) !== null);
  }

  private statusOf(versionId: string): VersionStatus {
    return statusFrom(this.status, versionId);
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
