import os from 'node:os';
import type * as Y from 'yjs';
import { isLegalTransition, legalTransitions, type VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import { artifactNameProblem, collectionPattern, defaultCollection, limits, metadataKeyPattern, tagPattern, typeNamePattern } from '../../../src-shared/catalogue/names';
import {
  eventKinds,
  linkKinds,
  subjectOf,
  type ArtifactClaim,
  type EventKind,
  type JsonValue,
  type LinkKind,
  type Provenance,
  type VersionRecord,
} from '../../../src-shared/catalogue/records';
import { formatReference } from '../../../src-shared/catalogue/reference';
import type { ArtifactView, EventView, LinkView, ValidatorResult, VersionDetail, VersionView } from '../../../src-shared/catalogue/views';
import type { Logger } from '../logger';
import { artifactIdOf, randomId } from './artifact-id';
import type { ArtifactEntry } from './artifact-entry';
import { CatalogueIndex } from './catalogue-index';
import {
  DeletedEntryError,
  IllegalTransitionError,
  ImmutableVersionError,
  InvalidCatalogueInputError,
  MaterialiseUnavailableError,
  UnknownTypeError,
  UnknownVersionError,
  ValidationRequiredError,
} from './errors';
import { ArtifactLister, listEvents, type ArtifactQuery, type EventQuery, type Page } from './listing';
import { checkQuota, type QuotaRequest } from './quota';
import { RecordWriter } from './record-writer';
import { resolveArtifact, resolveVersion } from './references';
import { defaultCatalogueConfig, typeForFileName, type CatalogueConfig } from './type-config';
import { runValidator } from './validator-run';
import { artifactView, eventView, lastValidationOf, versionView, versionViews } from './views';

export interface CatalogueDeps {
  /** The manifest document (the process's one long-lived Y.Doc). */
  doc: Y.Doc;
  /** Author of every change made here. */
  deviceId: string;
  /** Types, validators and quotas; the built-in defaults when absent. */
  config?: CatalogueConfig;
  /** Makes changes durable (the manifest store's flush); every write awaits it. */
  commit?: () => Promise<void>;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** Recorded as provenance of versions this device makes by itself (rollback). */
  host?: string;
  log?: Logger;
}

export interface AddVersionInput {
  collection?: string;
  name: string;
  /** Only for a new artifact (default: by file extension); an existing one keeps its type. */
  type?: string;
  treeId: string;
  sha256: string;
  size: number;
  message?: string;
  provenance?: Partial<Provenance>;
}

export interface AddVersionResult {
  version: VersionView;
  /** false when the head already had this content: nothing was written. */
  created: boolean;
}

export interface MetadataEdit {
  description?: string | null;
  license?: string | null;
  type?: string;
  /** Free metadata; null removes a key. */
  metadata?: Record<string, string | null>;
}

export interface VerifyOptions {
  /** Puts a version's content on disk and returns its path (for command validators). */
  materialise?: (versionId: string) => Promise<string>;
  signal?: AbortSignal;
}

export interface CatalogueChange {
  artifactIds: string[];
  truncated: boolean;
  origin: 'local' | 'remote';
}

const hexDigest = /^[0-9a-f]{64}$/;
const maxChangedIds = 1000;

/**
 * The catalogue (DESIGN.md 5, 6): artifacts, versions, lifecycle, tags, metadata, lineage and
 * the audit log, over the manifest document. Reads come from an index materialised
 * incrementally from the document; every write is one Yjs transaction (facts plus their audit
 * event, so both arrive together everywhere), validated before anything is written, then made
 * durable through `commit`.
 */
export class Catalogue {
  readonly index: CatalogueIndex;
  readonly deviceId: string;
  private config: CatalogueConfig;
  private readonly doc: Y.Doc;
  private readonly commitFn: () => Promise<void>;
  private readonly now: () => number;
  private readonly host: string;
  private readonly log: Logger | undefined;
  private readonly lister: ArtifactLister;
  private readonly origin = { catalogue: true };
  private readonly writer: RecordWriter;
  private batchDepth = 0;

  constructor(deps: CatalogueDeps) {
    if (deps.deviceId.length === 0 || deps.deviceId.includes('|')) throw new InvalidCatalogueInputError('The device id', 'it is empty or contains "|"');
    this.doc = deps.doc;
    this.deviceId = deps.deviceId;
    this.config = deps.config ?? defaultCatalogueConfig;
    this.commitFn = deps.commit ?? (async () => undefined);
    this.now = deps.now ?? Date.now;
    this.host = deps.host ?? os.hostname();
    this.log = deps.log;
    this.index = new CatalogueIndex(deps.doc);
    this.writer = new RecordWriter(this.index, deps.deviceId, this.now);
    this.lister = new ArtifactLister(this.index);
    let reportedMalformed = 0;
    this.index.onChange(() => {
      if (this.index.malformedRecords === reportedMalformed) return;
      reportedMalformed = this.index.malformedRecords;
      this.log?.warn(`skipped ${reportedMalformed} manifest record(s) this Cairn cannot read (written by a newer or broken version)`, 'catalogue');
    });
  }

  /** Replaces the type config (after the file changed). */
  setConfig(config: CatalogueConfig): void {
    this.config = config;
  }

  get catalogueConfig(): CatalogueConfig {
    return this.config;
  }

  /** Listens for changes, local or from other devices; returns the unsubscribe function. */
  onChange(listener: (change: CatalogueChange) => void): () => void {
    return this.index.onChange((change) => {
      const ids = [...change.artifactIds];
      listener({ artifactIds: ids.slice(0, maxChangedIds), truncated: ids.length > maxChangedIds, origin: change.local ? 'local' : 'remote' });
    });
  }

  /**
   * Runs `work` with commits held back, then commits once: the writes of one user action
   * (add, then tag, then publish) become one manifest object.
   */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    this.batchDepth += 1;
    try {
      return await work();
    } finally {
      this.batchDepth -= 1;
      if (this.batchDepth === 0) await this.commitFn();
    }
  }

  // --- versions ---------------------------------------------------------------------------------

  /**
   * Records content as the next version of `collection/name` (creating the artifact, or bringing
   * a deleted one back). When the head already has this tree, returns the head and writes no
   * version: publishing identical content twice makes one version.
   */
  async addVersion(input: AddVersionInput): Promise<AddVersionResult> {
    const collection = input.collection ?? defaultCollection;
    checkCollection(collection);
    const nameProblem = artifactNameProblem(input.name);
    if (nameProblem) throw new InvalidCatalogueInputError(`The artifact name "${input.name.slice(0, 100)}"`, nameProblem);
    checkDigest('treeId', input.treeId);
    checkDigest('sha256', input.sha256);
    if (!Number.isSafeInteger(input.size) || input.size < 0) throw new InvalidCatalogueInputError('The size', `${input.size} is not a whole number of bytes`);
    const message = input.message ?? '';
    checkLength('The message', message, limits.messageLength);
    const provenance: Provenance = { sourcePath: input.provenance?.sourcePath ?? null, host: input.provenance?.host ?? null, tool: input.provenance?.tool ?? null };
    for (const [field, value] of Object.entries(provenance)) if (value !== null) checkLength(`provenance.${field}`, value, limits.provenanceLength);

    const artifactId = artifactIdOf(collection, input.name);
    const entry = this.index.artifacts.get(artifactId);
    const existingType = entry?.claim ? this.index.typeOf(entry) : null;
    if (input.type !== undefined) this.checkType(input.type);
    if (existingType !== null && input.type !== undefined && input.type !== existingType) {
      throw new InvalidCatalogueInputError(`The type "${input.type}" for ${collection}/${input.name}`, `the artifact is a ${existingType}; change its type with a metadata edit first`);
    }
    const type = existingType ?? input.type ?? typeForFileName(this.config, input.name);
    this.checkType(type);

    const head = entry ? this.index.head(entry) : null;
    const deleted = this.index.artifactTombstone(artifactId) !== null;
    const restore = () => {
      this.writer.tombstone('artifact', artifactId, false, null);
      this.writer.event('restored', { artifactId }, { reason: 'a new version was added' });
    };
    if (head && head.treeId === input.treeId) {
      if (deleted) await this.write(restore);
      return { version: versionView(this.index, head), created: false };
    }
    this.checkQuota({ collection, type, name: input.name, size: input.size, treeId: input.treeId });

    const record: VersionRecord = {
      id: randomId(),
      artifactId,
      treeId: input.treeId,
      sha256: input.sha256,
      size: input.size,
      createdAt: this.writer.nextCreatedAt(entry),
      deviceId: this.deviceId,
      message,
      parentVersionId: head?.id ?? null,
      restoredFrom: null,
      provenance,
    };
    await this.write(() => {
      if (deleted) restore();
      this.writer.claim(entry, { artifactId, collection, name: input.name, type, createdAt: record.createdAt, deviceId: this.deviceId });
      this.writer.version(record);
    });
    return { version: this.viewOf(record.id), created: true };
  }

  /**
   * Makes version `number`'s content the head again as a new version (same tree, no new bytes,
   * `restoredFrom` set). When the head already has that content, returns the head unchanged.
   */
  async rollback(artifactReference: string, number: number): Promise<AddVersionResult> {
    const entry = resolveArtifact(this.index, artifactReference);
    const claim = entry.claim as ArtifactClaim;
    if (this.index.artifactTombstone(entry.id)) throw new DeletedEntryError(`Artifact ${formatReference(claim.collection, claim.name)}`);
    const target = Number.isSafeInteger(number) ? entry.versions.at(number - 1) : undefined;
    if (!target) throw new UnknownVersionError(`${formatReference(claim.collection, claim.name)}@v${number}`, `It has ${entry.versions.length} version(s).`);
    if (this.index.versionTombstone(target.id)) throw new DeletedEntryError(`Version ${this.label(target)}`);
    const head = this.index.head(entry);
    if (head && head.treeId === target.treeId) return { version: versionView(this.index, head), created: false };
    this.checkQuota({ collection: claim.collection, type: this.index.typeOf(entry), name: claim.name, size: target.size, treeId: target.treeId });

    const record: VersionRecord = {
      id: randomId(),
      artifactId: entry.id,
      treeId: target.treeId,
      sha256: target.sha256,
      size: target.size,
      createdAt: this.writer.nextCreatedAt(entry),
      deviceId: this.deviceId,
      message: `Rolled back to v${number}`,
      parentVersionId: head?.id ?? null,
      restoredFrom: target.id,
      provenance: { sourcePath: target.provenance.sourcePath, host: this.host, tool: 'cairn rollback' },
    };
    await this.write(() => {
      this.writer.claim(entry, { ...claim, createdAt: record.createdAt, deviceId: this.deviceId });
      this.writer.version(record);
      this.writer.event('rolled_back', { artifactId: entry.id, versionId: record.id }, { restoredFrom: target.id, restoredNumber: number, previousHead: head?.id ?? null });
    });
    return { version: this.viewOf(record.id), created: true };
  }

  // --- lifecycle --------------------------------------------------------------------------------

  /** Moves a version through the lifecycle table; the same status again changes nothing. */
  async setStatus(versionReference: string, to: VersionStatus, reason?: string): Promise<VersionView> {
    const version = resolveVersion(this.index, versionReference);
    const label = this.label(version);
    this.assertLive(version, label);
    if (reason !== undefined) checkLength('The reason', reason, 1000);
    const from = this.index.statusOf(version.id);
    if (from === to) return versionView(this.index, version);
    if (!isLegalTransition(from, to)) throw new IllegalTransitionError(label, from, to, legalTransitions[from]);
    if (to === 'published') {
      const type = this.typeOfVersion(version);
      if (this.config.types.get(type)?.validator && lastValidationOf(this.index, version.id)?.pass !== true) throw new ValidationRequiredError(label, type);
    }
    await this.write(() => this.moveStatus(version, from, to, reason ?? null));
    return versionView(this.index, version);
  }

  /**
   * Sends a version to verification and runs its type's validator: a pass publishes it, a
   * failure or timeout blocks it, and the result is recorded as a `validator_ran` event. A type
   * without a validator is published straight away. Returns the validator's result (or null).
   */
  async verify(versionReference: string, options: VerifyOptions = {}): Promise<{ version: VersionView; validation: ValidatorResult | null }> {
    const version = resolveVersion(this.index, versionReference);
    const label = this.label(version);
    this.assertLive(version, label);
    const from = this.index.statusOf(version.id);
    if (from !== 'on_verification' && !isLegalTransition(from, 'on_verification')) {
      throw new IllegalTransitionError(label, from, 'on_verification', legalTransitions[from]);
    }
    const entry = this.index.artifacts.get(version.artifactId) as ArtifactEntry;
    const type = this.index.typeOf(entry);
    const validator = this.config.types.get(type)?.validator ?? null;
    const materialise = options.materialise;
    if (validator?.kind === 'command' && !materialise) throw new MaterialiseUnavailableError(label);
    if (from !== 'on_verification') await this.write(() => this.moveStatus(version, from, 'on_verification', 'verification requested'));
    if (!validator) {
      await this.write(() => this.moveStatus(version, 'on_verification', 'published', `type "${type}" needs no validator`));
      return { version: versionView(this.index, version), validation: null };
    }
    const claim = entry.claim as ArtifactClaim;
    const result = await runValidator(
      validator,
      {
        artifact: { id: entry.id, collection: claim.collection, name: claim.name, type },
        version: { id: version.id, number: this.index.numberOf(version), sha256: version.sha256, size: version.size, treeId: version.treeId, createdAt: version.createdAt },
      },
      { materialise: materialise ?? (() => Promise.reject(new MaterialiseUnavailableError(label))), signal: options.signal },
    );
    // Someone may have moved the version meanwhile (another device): then only record the run.
    const still = this.index.statusOf(version.id) === 'on_verification';
    const outcome = result.pass ? 'validator passed' : result.timedOut ? 'validator timed out' : 'validator failed';
    await this.write(() => {
      this.writer.event('validator_ran', { artifactId: version.artifactId, versionId: version.id }, { ...result });
      if (still) this.moveStatus(version, 'on_verification', result.pass ? 'published' : 'blocked', outcome);
    });
    if (!result.pass) this.log?.warn(`${label}: ${outcome}; it is blocked`, 'catalogue');
    return { version: versionView(this.index, version), validation: result };
  }

  // --- artifact facts ---------------------------------------------------------------------------

  /** Adds and removes tags; tags already in the wanted state are left alone. */
  async tag(artifactReference: string, change: { add?: readonly string[]; remove?: readonly string[] }): Promise<ArtifactView> {
    const add = [...new Set(change.add ?? [])];
    const remove = [...new Set(change.remove ?? [])];
    for (const tag of [...add, ...remove]) if (!tagPattern.test(tag)) throw new InvalidCatalogueInputError(`The tag "${tag.slice(0, 100)}"`, 'use letters, digits, ".", "_", ":", "+" and "-" (at most 64)');
    const both = add.filter((tag) => remove.includes(tag));
    if (both.length > 0) throw new InvalidCatalogueInputError(`The tag "${both[0]}"`, 'it is both added and removed');
    const entry = this.liveArtifact(artifactReference);
    const added = add.filter((tag) => !entry.tags.has(tag));
    const removed = remove.filter((tag) => entry.tags.has(tag));
    if (added.length + removed.length > 0) {
      await this.write(() => {
        for (const tag of added) this.writer.tag(entry.id, tag, true);
        for (const tag of removed) this.writer.tag(entry.id, tag, false);
        this.writer.event('tagged', { artifactId: entry.id }, { added, removed });
      });
    }
    return artifactView(this.index, entry);
  }

  /** Edits description, license, type and free metadata; unchanged fields are not written. */
  async editMetadata(artifactReference: string, edit: MetadataEdit): Promise<ArtifactView> {
    const wanted = new Map<string, string | null>();
    if (edit.description !== undefined) {
      if (edit.description !== null) checkLength('The description', edit.description, limits.descriptionLength);
      wanted.set('description', edit.description || null);
    }
    if (edit.license !== undefined) {
      if (edit.license !== null) checkLength('The license', edit.license, limits.licenseLength);
      wanted.set('license', edit.license || null);
    }
    if (edit.type !== undefined) {
      this.checkType(edit.type);
      wanted.set('type', edit.type);
    }
    for (const [key, value] of Object.entries(edit.metadata ?? {})) {
      if (!metadataKeyPattern.test(key)) throw new InvalidCatalogueInputError(`The metadata key "${key.slice(0, 100)}"`, 'start with a letter; use letters, digits, ".", "_" and "-" (at most 64)');
      if (value !== null) checkLength(`The metadata value of "${key}"`, value, limits.metadataValueLength);
      wanted.set(`x.${key}`, value);
    }
    const entry = this.liveArtifact(artifactReference);
    const current = (field: string) => (field === 'type' ? this.index.typeOf(entry) : (entry.meta.get(field) ?? null));
    const changes = [...wanted].filter(([field, value]) => current(field) !== value);
    if (changes.length > 0) {
      await this.write(() => {
        for (const [field, value] of changes) this.writer.meta(entry.id, field, value);
        this.writer.event('metadata_changed', { artifactId: entry.id }, { changes: Object.fromEntries(changes) });
      });
    }
    return artifactView(this.index, entry);
  }

  /** Adds (or removes) a lineage link `from -kind-> to`. A published source cannot change. */
  async link(fromReference: string, kind: LinkKind, toReference: string, options: { remove?: boolean } = {}): Promise<LinkView[]> {
    if (!(linkKinds as readonly string[]).includes(kind)) throw new InvalidCatalogueInputError(`The link kind "${kind}"`, `use one of ${linkKinds.join(', ')}`);
    const from = resolveVersion(this.index, fromReference);
    const to = resolveVersion(this.index, toReference);
    const label = this.label(from);
    if (from.id === to.id) throw new InvalidCatalogueInputError(`The link from ${label}`, 'a version cannot be linked to itself');
    this.assertLive(from, label);
    const status = this.index.statusOf(from.id);
    if (status === 'published' || status === 'archived') throw new ImmutableVersionError(label, status, 'its lineage links');
    const present = !options.remove;
    const subject = subjectOf.link({ from: from.id, kind, to: to.id });
    if ((this.index.links.winner(subject)?.value ?? false) !== present) {
      await this.write(() => {
        this.writer.link(from.id, kind, to.id, present);
        this.writer.event('linked', { artifactId: from.artifactId, versionId: from.id }, { kind, from: from.id, to: to.id, removed: !present });
      });
    }
    return this.linkViews(from.id, 'outgoing');
  }

  // --- deletion ---------------------------------------------------------------------------------

  /** Deletes an artifact with a tombstone (undo: restoreArtifact, until garbage collection). */
  async deleteArtifact(artifactReference: string, reason?: string): Promise<ArtifactView> {
    const entry = resolveArtifact(this.index, artifactReference);
    if (reason !== undefined) checkLength('The reason', reason, 1000);
    if (!this.index.artifactTombstone(entry.id)) {
      await this.write(() => {
        this.writer.tombstone('artifact', entry.id, true, reason ?? null);
        this.writer.event('deleted', { artifactId: entry.id }, { reason: reason ?? null });
      });
    }
    return artifactView(this.index, entry);
  }

  async restoreArtifact(artifactReference: string): Promise<ArtifactView> {
    const entry = resolveArtifact(this.index, artifactReference);
    if (this.index.artifactTombstone(entry.id)) {
      await this.write(() => {
        this.writer.tombstone('artifact', entry.id, false, null);
        this.writer.event('restored', { artifactId: entry.id }, {});
      });
    }
    return artifactView(this.index, entry);
  }

  /**
   * Tombstones versions (retention uses this), one `deleted` event per artifact. Versions already
   * deleted are skipped. Undo with restoreVersions until garbage collection.
   */
  async forgetVersions(versionReferences: readonly string[], reason: string): Promise<VersionView[]> {
    checkLength('The reason', reason, 1000);
    const versions = versionReferences.map((reference) => resolveVersion(this.index, reference));
    const toForget = uniqueById(versions).filter((v) => !this.index.versionTombstone(v.id));
    await this.setVersionTombstones(toForget, true, reason);
    return versions.map((v) => versionView(this.index, v));
  }

  /** Undoes the deletion of versions (for instance after retention). */
  async restoreVersions(versionReferences: readonly string[]): Promise<VersionView[]> {
    const versions = versionReferences.map((reference) => resolveVersion(this.index, reference));
    const toRestore = uniqueById(versions).filter((v) => this.index.versionTombstone(v.id));
    await this.setVersionTombstones(toRestore, false, null);
    return versions.map((v) => versionView(this.index, v));
  }

  // --- audit log and devices --------------------------------------------------------------------

  /**
   * Appends an event written by another area (a backup run, say). Version creation is not an
   * event to record: the version record is its own.
   */
  async recordEvent(kind: Exclude<EventKind, 'created'>, about: { artifactId?: string; versionId?: string }, details: Record<string, JsonValue>): Promise<EventView> {
    if (!(eventKinds as readonly string[]).includes(kind) || kind === ('created' as EventKind)) throw new InvalidCatalogueInputError(`The event kind "${kind}"`, `use one of ${eventKinds.filter((k) => k !== 'created').join(', ')}`);
    const size = JSON.stringify(details).length;
    if (size > 16_384) throw new InvalidCatalogueInputError('The event details', `they are ${size} characters of JSON; the limit is 16384`);
    return eventView(await this.write(() => this.writer.event(kind, about, details)));
  }

  /** Records (or refreshes) this device in the manifest's device list. */
  async registerDevice(name: string): Promise<void> {
    checkLength('The device name', name, 200);
    await this.write(() => this.writer.device(name, this.host));
  }

  // --- reads ------------------------------------------------------------------------------------

  getArtifact(artifactReference: string): ArtifactView {
    return artifactView(this.index, resolveArtifact(this.index, artifactReference));
  }

  listArtifacts(query: ArtifactQuery = {}): Page<ArtifactView> {
    return this.lister.list(query);
  }

  /** The versions of an artifact, oldest first (v1 first). */
  listVersions(artifactReference: string, options: { includeDeleted?: boolean } = {}): { artifact: ArtifactView; versions: VersionView[] } {
    const entry = resolveArtifact(this.index, artifactReference);
    const includeDeleted = options.includeDeleted ?? true;
    return { artifact: artifactView(this.index, entry), versions: versionViews(this.index, entry, includeDeleted) };
  }

  getVersion(versionReference: string): VersionView {
    return versionView(this.index, resolveVersion(this.index, versionReference));
  }

  versionDetail(versionReference: string, options: { eventLimit?: number } = {}): VersionDetail {
    const version = resolveVersion(this.index, versionReference);
    const entry = this.index.artifacts.get(version.artifactId) as ArtifactEntry;
    return {
      version: versionView(this.index, version),
      artifact: artifactView(this.index, entry),
      outgoingLinks: this.linkViews(version.id, 'outgoing'),
      incomingLinks: this.linkViews(version.id, 'incoming'),
      lastValidation: lastValidationOf(this.index, version.id),
      events: listEvents(this.index, { versionId: version.id, limit: options.eventLimit ?? 100 }).items,
    };
  }

  /** The audit log, newest first; `artifact` and `version` are references. */
  listEvents(query: Omit<EventQuery, 'artifactId' | 'versionId'> & { artifact?: string; version?: string } = {}): { items: EventView[]; nextCursor: string | null } {
    const artifactId = query.artifact === undefined ? undefined : resolveArtifact(this.index, query.artifact).id;
    const versionId = query.version === undefined ? undefined : resolveVersion(this.index, query.version).id;
    return listEvents(this.index, { ...query, artifactId, versionId });
  }

  /** Every artifact with its versions in number order, deleted ones included (for policies). */
  *allArtifacts(): IterableIterator<{ entry: ArtifactEntry; claim: ArtifactClaim }> {
    for (const entry of this.index.artifacts.values()) if (entry.claim) yield { entry, claim: entry.claim };
  }

  /** `collection/name@vN` of a version, for messages. */
  label(version: VersionRecord): string {
    const claim = this.index.artifacts.get(version.artifactId)?.claim;
    return claim ? formatReference(claim.collection, claim.name, this.index.numberOf(version)) : version.id;
  }

  // --- helpers ------------------------------------------------------------------------------------

  private viewOf(versionId: string): VersionView {
    return versionView(this.index, this.index.version(versionId) as VersionRecord);
  }

  private typeOfVersion(version: VersionRecord): string {
    const entry = this.index.artifacts.get(version.artifactId);
    return entry ? this.index.typeOf(entry) : 'file';
  }

  private liveArtifact(reference: string): ArtifactEntry {
    const entry = resolveArtifact(this.index, reference);
    const claim = entry.claim as ArtifactClaim;
    if (this.index.artifactTombstone(entry.id)) throw new DeletedEntryError(`Artifact ${formatReference(claim.collection, claim.name)}`);
    return entry;
  }

  private assertLive(version: VersionRecord, label: string): void {
    if (this.index.deletedAt(version) !== null) throw new DeletedEntryError(`Version ${label}`);
  }

  private linkViews(versionId: string, direction: 'outgoing' | 'incoming'): LinkView[] {
    const links = (direction === 'outgoing' ? this.index.linksFrom : this.index.linksTo).get(versionId);
    const views: LinkView[] = [];
    for (const link of links?.values() ?? []) {
      const otherId = direction === 'outgoing' ? link.to : link.from;
      const other = this.index.version(otherId);
      views.push({ kind: link.kind, versionId: otherId, reference: other ? this.label(other) : null });
    }
    return views.sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0));
  }

  private async setVersionTombstones(versions: VersionRecord[], deleted: boolean, reason: string | null): Promise<void> {
    if (versions.length === 0) return;
    const byArtifact = new Map<string, VersionRecord[]>();
    for (const version of versions) byArtifact.set(version.artifactId, [...(byArtifact.get(version.artifactId) ?? []), version]);
    await this.write(() => {
      for (const version of versions) this.writer.tombstone('version', version.id, deleted, reason);
      for (const [artifactId, group] of byArtifact) {
        this.writer.event(deleted ? 'deleted' : 'restored', { artifactId }, { versionIds: group.map((v) => v.id), reason });
      }
    });
  }

  /** A status change and its audit event (inside a write). */
  private moveStatus(version: VersionRecord, from: VersionStatus, to: VersionStatus, reason: string | null): void {
    this.writer.status(version.id, to, reason);
    this.writer.event('status_changed', { artifactId: version.artifactId, versionId: version.id }, { from, to, reason });
  }

  private checkType(type: string): void {
    if (!typeNamePattern.test(type) || !this.config.types.has(type)) throw new UnknownTypeError(type, [...this.config.types.keys()]);
  }

  private checkQuota(request: QuotaRequest): void {
    checkQuota(this.config, () => this.index.usage, request);
  }

  /** Runs `change` as one transaction by this device, then commits (unless in a batch). */
  private async write<T>(change: () => T): Promise<T> {
    let result: T | undefined;
    this.doc.transact(() => {
      result = change();
    }, this.origin);
    if (this.batchDepth === 0) await this.commitFn();
    return result as T;
  }

}

function checkCollection(collection: string): void {
  if (!collectionPattern.test(collection)) {
    throw new InvalidCatalogueInputError(`The collection "${collection.slice(0, 100)}"`, 'use lower-case letters, digits, ".", "_" and "-" (at most 63)');
  }
}

function checkDigest(field: string, value: string): void {
  if (!hexDigest.test(value)) throw new InvalidCatalogueInputError(`The ${field}`, 'it must be 64 lower-case hex digits');
}

function checkLength(what: string, value: string, max: number): void {
  if (value.length > max) throw new InvalidCatalogueInputError(what, `it is longer than ${max} characters`);
}

function uniqueById(versions: readonly VersionRecord[]): VersionRecord[] {
  return [...new Map(versions.map((v) => [v.id, v])).values()];
}
