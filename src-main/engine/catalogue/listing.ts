import type { VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import type { EventKind, EventRecord, VersionRecord } from '../../../src-shared/catalogue/records';
import type { ArtifactView, EventView } from '../../../src-shared/catalogue/views';
import type { ArtifactEntry } from './artifact-entry';
import type { CatalogueIndex } from './catalogue-index';
import { InvalidCatalogueInputError } from './errors';
import { lowerBoundBy } from './sorted-list';
import { artifactView, createdEventView, eventView } from './views';

export interface ArtifactQuery {
  collection?: string;
  type?: string;
  tag?: string;
  /** Status of the head version. */
  status?: VersionStatus;
  /** Case-insensitive substring of the name. */
  name?: string;
  /** Hex prefix of the SHA-256 of any version. */
  sha256?: string;
  includeDeleted?: boolean;
  sort?: 'name' | 'updated';
  offset?: number;
  /** From a previous page's nextCursor; stable while artifacts come and go. */
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

type SortKey = readonly [string | number, string | number, string];

const compareKeys = (a: SortKey, b: SortKey): number => {
  for (let i = 0; i < 3; i += 1) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/**
 * Artifact listing and search over the index: filter, stable sort, then a page by offset or by
 * cursor (the sort key of the last item seen, so pages do not shift when artifacts are added).
 * The sorted order is cached until the index changes.
 */
export class ArtifactLister {
  private byName: { revision: number; entries: ArtifactEntry[] } | null = null;
  private byUpdate: { revision: number; entries: ArtifactEntry[] } | null = null;

  constructor(private readonly index: CatalogueIndex) {}

  list(query: ArtifactQuery): Page<ArtifactView> {
    const sort = query.sort ?? 'name';
    const limit = query.limit ?? 100;
    const keyOf = sort === 'name' ? nameKey : (entry: ArtifactEntry) => this.updateKey(entry);
    const matches = this.sorted(sort).filter(this.filter(query));
    let start = query.offset ?? 0;
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor, sort);
      start = lowerBoundBy(matches, (entry) => compareKeys(keyOf(entry), after) <= 0);
    }
    const page = matches.slice(start, start + limit);
    const last = page.at(-1);
    const nextCursor = last && start + limit < matches.length ? encodeCursor(sort, keyOf(last)) : null;
    return { items: page.map((entry) => artifactView(this.index, entry)), total: matches.length, nextCursor };
  }

  private sorted(sort: 'name' | 'updated'): ArtifactEntry[] {
    const index = this.index;
    if (sort === 'name') {
      if (this.byName?.revision !== index.namesRevision) {
        const entries = [...index.artifacts.values()].filter((e) => e.claim !== null);
        const keys = new Map(entries.map((e) => [e, nameKey(e)]));
        entries.sort((a, b) => compareKeys(keys.get(a) as SortKey, keys.get(b) as SortKey));
        this.byName = { revision: index.namesRevision, entries };
      }
      return this.byName.entries;
    }
    if (this.byUpdate?.revision !== index.revision) {
      const entries = [...index.artifacts.values()].filter((e) => e.claim !== null);
      const keys = new Map(entries.map((e) => [e, this.updateKey(e)]));
      entries.sort((a, b) => compareKeys(keys.get(a) as SortKey, keys.get(b) as SortKey));
      this.byUpdate = { revision: index.revision, entries };
    }
    return this.byUpdate.entries;
  }

  /** Newest first: the negated time sorts ascending. */
  private updateKey(entry: ArtifactEntry): SortKey {
    const newest = entry.versions.at(entry.versions.length - 1);
    return [-(newest?.createdAt ?? entry.claim?.createdAt ?? 0), entry.id, entry.id];
  }

  private filter(query: ArtifactQuery): (entry: ArtifactEntry) => boolean {
    const index = this.index;
    const name = query.name?.toLowerCase();
    const digest = query.sha256?.toLowerCase();
    return (entry) => {
      const claim = entry.claim;
      if (!claim) return false;
      if (!query.includeDeleted && index.artifactTombstone(entry.id)) return false;
      if (query.collection !== undefined && claim.collection !== query.collection) return false;
      if (query.type !== undefined && index.typeOf(entry) !== query.type) return false;
      if (query.tag !== undefined && !entry.tags.has(query.tag)) return false;
      if (name !== undefined && !claim.name.toLowerCase().includes(name)) return false;
      if (query.status !== undefined) {
        const head = index.head(entry);
        if (!head || index.statusOf(head.id) !== query.status) return false;
      }
      if (digest !== undefined && !entry.versions.all.some((v) => v.sha256.startsWith(digest))) return false;
      return true;
    };
  }
}

const nameKey = (entry: ArtifactEntry): SortKey => [entry.claim?.collection ?? '', entry.claim?.name ?? '', entry.id];

function encodeCursor(sort: string, key: SortKey): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sort: string): SortKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    const key = parsed.k;
    if (parsed.s === sort && Array.isArray(key) && key.length === 3 && key.every((part) => typeof part === 'string' || typeof part === 'number')) {
      return key as unknown as SortKey;
    }
  } catch {
    // reported below
  }
  throw new InvalidCatalogueInputError('The cursor', `it does not come from a listing sorted by ${sort}; start again without a cursor`);
}

export interface EventQuery {
  artifactId?: string;
  versionId?: string;
  kinds?: readonly EventKind[];
  /** From a previous page's nextCursor. */
  cursor?: string;
  limit?: number;
}

/** The audit log, newest first: stored events merged with version creations. */
export function listEvents(index: CatalogueIndex, query: EventQuery): { items: EventView[]; nextCursor: string | null } {
  const limit = query.limit ?? 100;
  const before = query.cursor === undefined ? null : decodeEventCursor(query.cursor);
  const wants = (kind: EventKind) => !query.kinds || query.kinds.includes(kind);
  const isBefore = (at: number, id: string) => before === null || at < before.at || (at === before.at && id < before.id);

  const stored = descendingStored(index.events.all, before, (e) =>
    wants(e.kind) && (query.artifactId === undefined || e.artifactId === query.artifactId) && (query.versionId === undefined || e.versionId === query.versionId),
  );
  let versions: readonly VersionRecord[] = [];
  if (wants('created')) {
    if (query.versionId !== undefined) {
      const version = index.version(query.versionId);
      versions = version && (query.artifactId === undefined || version.artifactId === query.artifactId) ? [version] : [];
    } else if (query.artifactId !== undefined) versions = index.artifacts.get(query.artifactId)?.versions.all ?? [];
    else versions = index.versionsInTimeOrder().all;
  }
  const created = descendingCreated(versions, before);

  const items: EventView[] = [];
  let a = stored.next();
  let b = created.next();
  while (items.length < limit && (!a.done || !b.done)) {
    const takeStored = !a.done && (b.done || a.value.at > b.value.createdAt || (a.value.at === b.value.createdAt && a.value.id > `created:${b.value.id}`));
    if (takeStored && !a.done) {
      items.push(eventView(a.value));
      a = stored.next();
    } else if (!b.done) {
      const view = createdEventView(b.value);
      if (isBefore(view.at, view.id)) items.push(view);
      b = created.next();
    }
  }
  const last = items.at(-1);
  const more = !a.done || !b.done;
  return { items, nextCursor: last && more ? `${last.at}:${last.id}` : null };
}

function* descendingStored(events: readonly EventRecord[], before: { at: number; id: string } | null, keep: (e: EventRecord) => boolean) {
  let i = before === null ? events.length : lowerBoundBy(events, (e) => e.at < before.at || (e.at === before.at && e.id < before.id));
  while (i > 0) {
    i -= 1;
    const event = events[i] as EventRecord;
    if (keep(event)) yield event;
  }
}

function* descendingCreated(versions: readonly VersionRecord[], before: { at: number; id: string } | null) {
  let i = before === null ? versions.length : lowerBoundBy(versions, (v) => v.createdAt < before.at || (v.createdAt === before.at && `created:${v.id}` < before.id));
  while (i > 0) {
    i -= 1;
    yield versions[i] as VersionRecord;
  }
}

function decodeEventCursor(cursor: string): { at: number; id: string } {
  const colon = cursor.indexOf(':');
  const at = Number(cursor.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(at)) throw new InvalidCatalogueInputError('The cursor', 'it does not come from an events listing; start again without a cursor');
  return { at, id: cursor.slice(colon + 1) };
}
