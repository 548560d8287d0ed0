import type * as Y from 'yjs';
import type { VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import { LwwRegisters } from '../../../src-shared/catalogue/lww-registers';
import { canonicalClaim, compareVersions, deletedAtOf, fallbackType, headOf, liveTombstone, readStored, statusFrom, type StoredCandidate } from '../../../src-shared/catalogue/materialise';
import {
  asDeviceRecord,
  asEventRecord,
  asVersionRecord,
  decodeRecordJson,
  isVersionOfArtifact,
  peekVersionArtifactId,
  peekVersionArtifactPrefix,
  subjectOf,
  type DeviceRecord,
  type EventRecord,
  type LinkCandidate,
  type MetaCandidate,
  type StatusCandidate,
  type TagCandidate,
  type TombstoneCandidate,
  type VersionRecord,
} from '../../../src-shared/catalogue/records';
import { manifestMaps, type ManifestMapName, type ManifestMaps } from '../manifest/schema';
import { ArtifactEntry } from './artifact-entry';
import { SortedList } from './sorted-list';
import { UsageIndex, collectionScope, typeScope } from './usage';

export const compareEvents = (a: EventRecord, b: EventRecord): number => (a.at !== b.at ? a.at - b.at : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What changed in one transaction, for listeners. */
export interface IndexChange {
  artifactIds: Set<string>;
  local: boolean;
}

/**
 * The catalogue materialised from the manifest document, kept current incrementally: each Y.Map
 * observer handles just the keys a transaction changed (a whole snapshot at load, one or two
 * keys per local edit). Nothing here writes to the document.
 *
 * Every derived fact is a function of the set of records, not of their arrival order: versions
 * are kept sorted, registers pick the greatest stamp, claims the earliest.
 */
export class CatalogueIndex {
  readonly maps: ManifestMaps;
  readonly artifacts = new Map<string, ArtifactEntry>();
  /** The artifact of every version, known without parsing the version (ArtifactEntry). */
  private readonly versionArtifact = new Map<string, string>();
  /** Entries by the first 7 hex digits of their id (the first entry seen wins): see onVersion. */
  private readonly entriesByPrefix = new Map<number, ArtifactEntry>();
  readonly status = new LwwRegisters<StatusCandidate>();
  readonly tags = new LwwRegisters<TagCandidate>();
  readonly meta = new LwwRegisters<MetaCandidate>();
  readonly links = new LwwRegisters<LinkCandidate>();
  readonly tombstones = new LwwRegisters<TombstoneCandidate>();
  /** Existing links by source and by target version: subject -> candidate. */
  readonly linksFrom = new Map<string, Map<string, LinkCandidate>>();
  readonly linksTo = new Map<string, Map<string, LinkCandidate>>();
  /** Stored events in (at, id) order. Version creations are not stored events (see records.ts). */
  readonly events = new SortedList<EventRecord>(compareEvents);
  readonly lastValidation = new Map<string, EventRecord>();
  readonly devices = new Map<string, DeviceRecord>();
  /** Artifact ids by bare name, for references without a collection. */
  readonly byName = new Map<string, Set<string>>();
  private usageIndex: UsageIndex | null = null;
  /** Bumped when the set of named artifacts changes (name order) and on any change. */
  namesRevision = 0;
  revision = 0;
  /** Records that could not be read (written by a newer or broken Cairn): skipped, counted. */
  malformedRecords = 0;

  private globalOrder: SortedList<VersionRecord> | null = null;
  /** Arrivals of one transaction, sorted in at its end (one sort beats 100k splices). */
  private pendingEvents: EventRecord[] = [];
  private pendingOrder: VersionRecord[] = [];
  private readonly eventIds = new Set<string>();
  private touched = new Set<string>();
  private readonly listeners = new Set<(change: IndexChange) => void>();
  private readonly handlers: Record<ManifestMapName, (key: string, value: Uint8Array | undefined) => void>;

  constructor(private readonly doc: Y.Doc) {
    this.maps = manifestMaps(doc);
    this.handlers = {
      artifacts: (k, v) => this.onClaim(k, v),
      versions: (k, v) => this.onVersion(k, v),
      status: (k, v) => this.onRegister(readStored.status(k, v), this.status, (c) => this.touchVersion(c.versionId)),
      tags: (k, v) => this.onRegister(readStored.tags(k, v), this.tags, (c, w) => this.onTagWinner(c, w)),
      meta: (k, v) => this.onRegister(readStored.meta(k, v), this.meta, (c, w) => this.onMetaWinner(c, w)),
      links: (k, v) => this.onRegister(readStored.links(k, v), this.links, (c, w) => this.onLinkWinner(c, w)),
      tombstones: (k, v) => this.onRegister(readStored.tombstones(k, v), this.tombstones, (c) => this.onTombstoneWinner(c)),
      events: (k, v) => this.onEvent(k, v),
      devices: (k, v) => this.onDevice(k, v),
      jobs: () => undefined,
      exports: () => undefined,
    };
    for (const name of Object.keys(this.handlers) as ManifestMapName[]) {
      const map = this.maps[name];
      const handle = this.handlers[name];
      map.forEach((value, key) => handle(key, value));
      map.observe((event) => {
        const changed = event.keysChanged;
        if (changed.size === map._map.size) {
          for (const [key, item] of map._map) handle(key, item.deleted ? undefined : (item.content.getContent()[item.length - 1] as Uint8Array));
        } else for (const key of changed) handle(key, map.get(key));
      });
    }
    this.settle();
    this.touched.clear();
    doc.on('afterTransaction', this.afterTransaction);
  }

  /** Called after every transaction that changed the catalogue. */
  onChange(listener: (change: IndexChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  detach(): void {
    this.doc.off('afterTransaction', this.afterTransaction);
  }

  // --- derived facts ----------------------------------------------------------------------------

  statusOf(versionId: string): VersionStatus {
    return statusFrom(this.status, versionId);
  }

  /** The tombstone of a version (by itself), when it is deleted. */
  versionTombstone(versionId: string): TombstoneCandidate | null {
    return liveTombstone(this.tombstones, 'version', versionId);
  }

  artifactTombstone(artifactId: string): TombstoneCandidate | null {
    return liveTombstone(this.tombstones, 'artifact', artifactId);
  }

  /** When a version became deleted (itself or with its artifact), or null while it is live. */
  deletedAt(version: VersionRecord): number | null {
    return deletedAtOf(this.versionTombstone(version.id), this.artifactTombstone(version.artifactId));
  }

  isLive(version: VersionRecord): boolean {
    return !this.versionTombstone(version.id) && !this.artifactTombstone(version.artifactId);
  }

  /** The newest version that is not deleted by itself; null when there is none. */
  head(entry: ArtifactEntry): VersionRecord | null {
    return headOf(entry.versions.all, (id) => this.versionTombstone(id) !== null);
  }

  typeOf(entry: ArtifactEntry): string {
    return entry.meta.get('type') ?? entry.claim?.type ?? fallbackType;
  }

  numberOf(version: VersionRecord): number {
    const entry = this.artifacts.get(version.artifactId);
    return entry ? entry.versions.indexOf(version) + 1 : 0;
  }

  /** A version by id (parsing its artifact's versions if nobody has looked at them yet). */
  version(versionId: string): VersionRecord | undefined {
    const artifactId = this.versionArtifact.get(versionId);
    return artifactId === undefined ? undefined : this.artifacts.get(artifactId)?.version(versionId);
  }

  get versionCount(): number {
    return this.versionArtifact.size;
  }

  /** Every version of every artifact (parses them all). */
  *allVersions(): IterableIterator<VersionRecord> {
    for (const entry of this.artifacts.values()) yield* entry.versions.all;
  }

  /** Live bytes per quota scope; built on first use, then kept current. */
  get usage(): UsageIndex {
    if (!this.usageIndex) {
      this.usageIndex = new UsageIndex();
      for (const version of this.allVersions()) this.syncUsage(version);
    }
    return this.usageIndex;
  }

  /** Every version in (createdAt, id) order across artifacts; built on first use, then kept. */
  versionsInTimeOrder(): SortedList<VersionRecord> {
    if (!this.globalOrder) {
      this.globalOrder = new SortedList(compareVersions);
      this.globalOrder.insertMany([...this.allVersions()]);
    }
    return this.globalOrder;
  }

  // --- observers --------------------------------------------------------------------------------

  private readonly afterTransaction = (transaction: Y.Transaction): void => {
    this.settle();
    if (this.touched.size === 0) return;
    const change: IndexChange = { artifactIds: this.touched, local: transaction.local };
    this.touched = new Set();
    this.revision += 1;
    for (const listener of this.listeners) listener(change);
  };

  private settle(): void {
    if (this.pendingEvents.length > 0) this.events.insertMany(this.pendingEvents);
    if (this.pendingOrder.length > 0) this.globalOrder?.insertMany(this.pendingOrder);
    this.pendingEvents = [];
    this.pendingOrder = [];
  }

  private entry(artifactId: string): ArtifactEntry {
    let entry = this.artifacts.get(artifactId);
    if (!entry) {
      entry = new ArtifactEntry(artifactId, this.parseVersion);
      this.artifacts.set(artifactId, entry);
    }
    return entry;
  }

  private readonly parseVersion = (key: string, value: Uint8Array, artifactId: string): VersionRecord | null => {
    const version = asVersionRecord(decodeRecordJson(value));
    if (version && version.id === key && version.artifactId === artifactId) return version;
    this.malformed();
    return null;
  };

  private malformed(): void {
    this.malformedRecords += 1;
  }

  private onVersion(key: string, value: Uint8Array | undefined): void {
    const knownArtifact = this.versionArtifact.get(key);
    if (knownArtifact !== undefined) {
      // Versions are immutable; a removed key (never written by Cairn) drops the version.
      if (value !== undefined) return;
      this.versionArtifact.delete(key);
      const previous = this.artifacts.get(knownArtifact)?.remove(key);
      if (previous) {
        this.globalOrder?.remove(previous);
        this.usageIndex?.sync(key, [], previous.treeId, previous.size);
      }
      this.touched.add(knownArtifact);
      return;
    }
    if (value === undefined) return;
    // The artifact from the value's first bytes, and its entry from a number: no string per
    // version (a version whose prefix is shared with another artifact takes the longer way).
    const prefix = peekVersionArtifactPrefix(value);
    let entry = prefix < 0 ? undefined : this.entriesByPrefix.get(prefix);
    if (entry === undefined || !isVersionOfArtifact(value, entry.id)) {
      const artifactId = peekVersionArtifactId(value) ?? asVersionRecord(decodeRecordJson(value))?.artifactId;
      if (artifactId === undefined) return this.malformed();
      entry = this.entry(artifactId);
      if (prefix >= 0 && !this.entriesByPrefix.has(prefix)) this.entriesByPrefix.set(prefix, entry);
    }
    const artifactId = entry.id;
    this.versionArtifact.set(key, artifactId); // the entry's copy: one string per artifact, not per version
    entry.addUnparsed(key, value);
    if (this.globalOrder || this.usageIndex) {
      // Indexes over all versions are built already: keep them whole.
      const version = entry.version(key);
      if (version) {
        if (this.globalOrder) this.pendingOrder.push(version);
        this.syncUsage(version);
      }
    }
    this.touched.add(artifactId);
  }

  private onClaim(key: string, value: Uint8Array | undefined): void {
    const stored = readStored.artifacts(key, value);
    if (!stored) return this.malformed();
    const entry = this.entry(stored.subject);
    if (stored.candidate) entry.claims.set(stored.device, stored.candidate);
    else entry.claims.delete(stored.device);
    const canonical = canonicalClaim(entry.claims.values());
    if (canonical === entry.claim) return;
    const before = entry.claim;
    if (before) this.byName.get(before.name)?.delete(entry.id);
    entry.claim = canonical;
    if (canonical) {
      let ids = this.byName.get(canonical.name);
      if (!ids) this.byName.set(canonical.name, (ids = new Set()));
      ids.add(entry.id);
    }
    if (!before || !canonical || before.type !== canonical.type || before.collection !== canonical.collection) this.syncArtifactUsage(entry);
    this.namesRevision += 1;
    this.touched.add(entry.id);
  }

  private onRegister<C extends { at: number; device: string }>(
    stored: StoredCandidate<C> | null,
    registers: LwwRegisters<C>,
    onWinner: (candidate: C, winner: C | undefined) => void,
  ): void {
    if (!stored) return this.malformed();
    const before = registers.winner(stored.subject);
    if (!registers.set(stored.subject, stored.device, stored.candidate)) return;
    const about = stored.candidate ?? before;
    if (about) onWinner(about, registers.winner(stored.subject));
  }

  private touchVersion(versionId: string): void {
    const artifactId = this.versionArtifact.get(versionId);
    if (artifactId !== undefined) this.touched.add(artifactId);
  }

  private onTagWinner(candidate: TagCandidate, winner: TagCandidate | undefined): void {
    const entry = this.entry(candidate.artifactId);
    if (winner?.value) entry.tags.add(candidate.tag);
    else entry.tags.delete(candidate.tag);
    this.touched.add(candidate.artifactId);
  }

  private onMetaWinner(candidate: MetaCandidate, winner: MetaCandidate | undefined): void {
    const entry = this.entry(candidate.artifactId);
    if (winner && winner.value !== null) entry.meta.set(candidate.field, winner.value);
    else entry.meta.delete(candidate.field);
    if (candidate.field === 'type') this.syncArtifactUsage(entry);
    this.touched.add(candidate.artifactId);
  }

  private onLinkWinner(candidate: LinkCandidate, winner: LinkCandidate | undefined): void {
    const subject = subjectOf.link(candidate);
    const present = winner?.value === true;
    for (const [index, id] of [
      [this.linksFrom, candidate.from],
      [this.linksTo, candidate.to],
    ] as const) {
      let bySubject = index.get(id);
      if (present) {
        if (!bySubject) index.set(id, (bySubject = new Map()));
        bySubject.set(subject, winner);
      } else {
        bySubject?.delete(subject);
        if (bySubject?.size === 0) index.delete(id);
      }
    }
    this.touchVersion(candidate.from);
    this.touchVersion(candidate.to);
  }

  private onTombstoneWinner(candidate: TombstoneCandidate): void {
    if (candidate.target === 'artifact') {
      const entry = this.artifacts.get(candidate.id);
      if (entry) this.syncArtifactUsage(entry);
      this.touched.add(candidate.id);
      return;
    }
    const artifactId = this.versionArtifact.get(candidate.id);
    if (artifactId === undefined) return;
    if (this.usageIndex) {
      const version = this.version(candidate.id);
      if (version) this.syncUsage(version);
    }
    this.touched.add(artifactId);
  }

  private onEvent(key: string, value: Uint8Array | undefined): void {
    if (value === undefined) return; // the audit log is append-only; Cairn never removes events
    const event = asEventRecord(decodeRecordJson(value));
    if (!event || event.id !== key) return this.malformed();
    if (this.eventIds.has(event.id)) return;
    this.eventIds.add(event.id);
    this.pendingEvents.push(event);
    if (event.kind === 'validator_ran' && event.versionId) {
      const last = this.lastValidation.get(event.versionId);
      if (!last || compareEvents(event, last) > 0) this.lastValidation.set(event.versionId, event);
    }
    if (event.artifactId) this.touched.add(event.artifactId);
  }

  private onDevice(key: string, value: Uint8Array | undefined): void {
    if (value === undefined) {
      this.devices.delete(key);
      return;
    }
    const device = asDeviceRecord(decodeRecordJson(value));
    if (!device || device.deviceId !== key) return this.malformed();
    this.devices.set(key, device);
  }

  private syncArtifactUsage(entry: ArtifactEntry): void {
    if (this.usageIndex) for (const version of entry.versions.all) this.syncUsage(version);
  }

  private syncUsage(version: VersionRecord): void {
    if (!this.usageIndex) return;
    const entry = this.artifacts.get(version.artifactId);
    const scopes = entry?.claim && this.isLive(version) ? [collectionScope(entry.claim.collection), typeScope(this.typeOf(entry))] : [];
    this.usageIndex.sync(version.id, scopes, version.treeId, version.size);
  }
}
