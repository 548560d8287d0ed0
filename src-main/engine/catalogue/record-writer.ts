import {
  candidateKey,
  encodeRecord,
  encodeVersionRecord,
  subjectOf,
  type ArtifactClaim,
  type DeviceRecord,
  type EventKind,
  type EventRecord,
  type JsonValue,
  type LinkCandidate,
  type LinkKind,
  type MetaCandidate,
  type Stamp,
  type StatusCandidate,
  type TagCandidate,
  type TombstoneCandidate,
  type VersionRecord,
} from '../../../src-shared/catalogue/records';
import type { VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import type { LwwRegisters } from '../../../src-shared/catalogue/lww-registers';
import { randomId } from './artifact-id';
import type { ArtifactEntry } from './artifact-entry';
import type { CatalogueIndex } from './catalogue-index';

/**
 * How this device writes manifest records (layout in manifest/schema.ts). It validates nothing:
 * the catalogue checks first, then calls these inside one Yjs transaction.
 *
 * Times come from one clock per writer that never repeats or goes back (so one device's events
 * keep their order within a millisecond), and a register candidate is always stamped after the
 * winner this device can see, so a change made after seeing another wins over it whatever the
 * two clocks say.
 */
export class RecordWriter {
  private lastTick = 0;

  constructor(
    private readonly index: CatalogueIndex,
    readonly deviceId: string,
    private readonly now: () => number,
  ) {}

  /** Now, but after this writer's previous time and at least `atLeast`. */
  tick(atLeast = 0): number {
    const at = Math.max(this.now(), this.lastTick + 1, atLeast);
    this.lastTick = at;
    return at;
  }

  /** Creation time of a new version of `entry`: never before its newest version. */
  nextCreatedAt(entry: ArtifactEntry | undefined): number {
    const newest = entry?.versions.at(entry.versions.length - 1);
    return this.tick(newest ? newest.createdAt + 1 : 0);
  }

  version(version: VersionRecord): void {
    this.index.maps.versions.set(version.id, encodeVersionRecord(version));
  }

  /** This device's claim on an artifact, written once (with its first version of it). */
  claim(entry: ArtifactEntry | undefined, claim: ArtifactClaim): void {
    if (entry?.claims.has(this.deviceId)) return;
    this.index.maps.artifacts.set(candidateKey(subjectOf.claim(claim), this.deviceId), encodeRecord(claim));
  }

  status(versionId: string, value: VersionStatus, reason: string | null): void {
    const subject = subjectOf.status({ versionId });
    const candidate: StatusCandidate = { versionId, value, reason, ...this.stampFor(this.index.status, subject) };
    this.index.maps.status.set(candidateKey(subject, this.deviceId), encodeRecord(candidate));
  }

  tag(artifactId: string, tag: string, present: boolean): void {
    const subject = subjectOf.tag({ artifactId, tag });
    const candidate: TagCandidate = { artifactId, tag, value: present, ...this.stampFor(this.index.tags, subject) };
    this.index.maps.tags.set(candidateKey(subject, this.deviceId), encodeRecord(candidate));
  }

  meta(artifactId: string, field: string, value: string | null): void {
    const subject = subjectOf.meta({ artifactId, field });
    const candidate: MetaCandidate = { artifactId, field, value, ...this.stampFor(this.index.meta, subject) };
    this.index.maps.meta.set(candidateKey(subject, this.deviceId), encodeRecord(candidate));
  }

  link(from: string, kind: LinkKind, to: string, present: boolean): void {
    const subject = subjectOf.link({ from, kind, to });
    const candidate: LinkCandidate = { from, kind, to, value: present, ...this.stampFor(this.index.links, subject) };
    this.index.maps.links.set(candidateKey(subject, this.deviceId), encodeRecord(candidate));
  }

  tombstone(target: 'artifact' | 'version', id: string, deleted: boolean, reason: string | null): void {
    const subject = subjectOf.tombstone({ target, id });
    const candidate: TombstoneCandidate = { target, id, value: deleted, reason, ...this.stampFor(this.index.tombstones, subject) };
    this.index.maps.tombstones.set(candidateKey(subject, this.deviceId), encodeRecord(candidate));
  }

  event(kind: EventKind, about: { artifactId?: string; versionId?: string }, details: Record<string, JsonValue>): EventRecord {
    const event: EventRecord = {
      id: randomId(),
      kind,
      at: this.tick(),
      device: this.deviceId,
      artifactId: about.artifactId ?? null,
      versionId: about.versionId ?? null,
      details,
    };
    this.index.maps.events.set(event.id, encodeRecord(event));
    return event;
  }

  device(name: string, host: string): void {
    const now = this.tick();
    const existing = this.index.devices.get(this.deviceId);
    const record: DeviceRecord = { deviceId: this.deviceId, name, host, firstSeenAt: existing?.firstSeenAt ?? now, lastSeenAt: now };
    this.index.maps.devices.set(this.deviceId, encodeRecord(record));
  }

  private stampFor(registers: LwwRegisters<Stamp>, subject: string): Stamp {
    return { at: this.tick(registers.earliestWinningAt(subject)), device: this.deviceId };
  }
}
