import type { EventRecord, VersionRecord } from '../../../src-shared/catalogue/records';
import type { ArtifactView, EventView, ValidatorResult, VersionView } from '../../../src-shared/catalogue/views';
import { validatorResultSchema } from '../../../src-shared/catalogue/views';
import type { ArtifactEntry } from './artifact-entry';
import type { CatalogueIndex } from './catalogue-index';

/** Builds the contract's views (src-shared/catalogue/views.ts) from the materialised index. */

export function artifactView(index: CatalogueIndex, entry: ArtifactEntry): ArtifactView {
  const claim = entry.claim;
  if (!claim) throw new Error(`artifact ${entry.id} has no claim yet`);
  const head = index.head(entry);
  const newest = entry.versions.at(entry.versions.length - 1);
  const tombstone = index.artifactTombstone(entry.id);
  const metadata: Record<string, string> = {};
  for (const [field, value] of entry.meta) if (field.startsWith('x.')) metadata[field.slice(2)] = value;
  return {
    id: entry.id,
    collection: claim.collection,
    name: claim.name,
    type: index.typeOf(entry),
    tags: [...entry.tags].sort(),
    description: entry.meta.get('description') ?? null,
    license: entry.meta.get('license') ?? null,
    metadata,
    createdAt: claim.createdAt,
    updatedAt: newest?.createdAt ?? claim.createdAt,
    headVersionId: head?.id ?? null,
    headNumber: head ? entry.versions.indexOf(head) + 1 : null,
    headStatus: head ? index.statusOf(head.id) : null,
    headSize: head?.size ?? null,
    versionCount: entry.versions.length,
    deleted: tombstone !== null,
    deletedAt: tombstone?.at ?? null,
  };
}

export function versionView(index: CatalogueIndex, version: VersionRecord): VersionView {
  const entry = index.artifacts.get(version.artifactId);
  const head = entry ? index.head(entry) : null;
  return buildVersionView(index, version, entry, index.numberOf(version), head);
}

/** Views of every version of an artifact, oldest first (head and numbers worked out once). */
export function versionViews(index: CatalogueIndex, entry: ArtifactEntry, includeDeleted: boolean): VersionView[] {
  const head = index.head(entry);
  const views: VersionView[] = [];
  entry.versions.all.forEach((version, i) => {
    const view = buildVersionView(index, version, entry, i + 1, head);
    if (includeDeleted || !view.deleted) views.push(view);
  });
  return views;
}

function buildVersionView(index: CatalogueIndex, version: VersionRecord, entry: ArtifactEntry | undefined, number: number, head: VersionRecord | null): VersionView {
  const claim = entry?.claim;
  const deletedAt = index.deletedAt(version);
  return {
    ...version,
    provenance: { ...version.provenance },
    collection: claim?.collection ?? '',
    name: claim?.name ?? '',
    number,
    status: index.statusOf(version.id),
    isHead: head?.id === version.id,
    deleted: deletedAt !== null,
    deletedAt,
  };
}

export function eventView(event: EventRecord): EventView {
  return { ...event, details: { ...event.details } };
}

/** A version's creation as an audit event (the version record is its storage). */
export function createdEventView(version: VersionRecord): EventView {
  return {
    id: `created:${version.id}`,
    kind: 'created',
    at: version.createdAt,
    device: version.deviceId,
    artifactId: version.artifactId,
    versionId: version.id,
    details: {
      treeId: version.treeId,
      sha256: version.sha256,
      size: version.size,
      message: version.message,
      parentVersionId: version.parentVersionId,
      restoredFrom: version.restoredFrom,
    },
  };
}

/** The result recorded by the last validator run of a version, when there was one. */
export function lastValidationOf(index: CatalogueIndex, versionId: string): ValidatorResult | null {
  const event = index.lastValidation.get(versionId);
  if (!event) return null;
  const parsed = validatorResultSchema.safeParse(event.details);
  return parsed.success ? parsed.data : null;
}
