import { compareVersions } from '../../../src-shared/catalogue/materialise';
import type { ArtifactClaim, VersionRecord } from '../../../src-shared/catalogue/records';
import { SortedList } from './sorted-list';

/** Turns a stored version value into a record of this artifact, or null when malformed. */
export type VersionParser = (key: string, value: Uint8Array, artifactId: string) => VersionRecord | null;

/**
 * One artifact as materialised from the manifest. Its version records are parsed the first time
 * anything looks at them: loading 100k versions then costs a glance at each (which artifact it
 * belongs to) instead of a JSON parse, and the parse happens for the artifacts a person opens.
 */
export class ArtifactEntry {
  /** Every device's claim; the canonical one is the earliest. */
  readonly claims = new Map<string, ArtifactClaim>();
  claim: ArtifactClaim | null = null;
  readonly tags = new Set<string>();
  /** description, license, type and x.<key>, current non-null values. */
  readonly meta = new Map<string, string>();
  private readonly sorted = new SortedList<VersionRecord>(compareVersions);
  private readonly byId = new Map<string, VersionRecord>();
  private unparsedKeys: string[] = [];
  private unparsedValues: Uint8Array[] = [];

  constructor(
    readonly id: string,
    private readonly parse: VersionParser,
  ) {}

  /** All versions, deleted ones included, in number order (createdAt, then id). */
  get versions(): SortedList<VersionRecord> {
    this.parsePending();
    return this.sorted;
  }

  /** How many versions it has (parsed or not). */
  get versionCount(): number {
    return this.sorted.length + this.unparsedKeys.length;
  }

  version(id: string): VersionRecord | undefined {
    this.parsePending();
    return this.byId.get(id);
  }

  /** Queues a stored version value for parsing on first use. */
  addUnparsed(key: string, value: Uint8Array): void {
    this.unparsedKeys.push(key);
    this.unparsedValues.push(value);
  }

  remove(id: string): VersionRecord | undefined {
    this.parsePending();
    const version = this.byId.get(id);
    if (version) {
      this.byId.delete(id);
      this.sorted.remove(version);
    }
    return version;
  }

  private parsePending(): void {
    if (this.unparsedKeys.length === 0) return;
    const keys = this.unparsedKeys;
    const values = this.unparsedValues;
    this.unparsedKeys = [];
    this.unparsedValues = [];
    const parsed: VersionRecord[] = [];
    for (let i = 0; i < keys.length; i += 1) {
      const version = this.parse(keys[i] as string, values[i] as Uint8Array, this.id);
      if (version && !this.byId.has(version.id)) {
        this.byId.set(version.id, version);
        parsed.push(version);
      }
    }
    this.sorted.insertMany(parsed);
  }
}
