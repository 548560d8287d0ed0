/**
 * The Library's source while the local copy is still empty (the first visit, or a browser tab on
 * a new `cairn serve` port): pages straight from the engine through `catalogue.artifacts.list`,
 * so the first rows show at once instead of after the whole catalogue is copied.
 *
 * The engine's search differs a little from the local one: text is a name substring or a
 * sha256 prefix, and it sorts by name or time only (size sorts by name until the copy is ready).
 */
import type { ArtifactView } from '../../src-shared/catalogue/views';
import type { CommandInput } from '../../src-shared/contract';
import { api } from '../api/client';
import type { ArtifactRow } from '../db/schema';
import { searchWords } from '../replica/manifest-index';
import type { CatalogueSource, LibraryQuery } from './library-query';

type ListInput = CommandInput<'catalogue.artifacts.list'>;

const hexPrefix = /^(?:sha256:)?([0-9a-fA-F]{4,64})$/;

export function artifactRowOf(a: ArtifactView): ArtifactRow {
  return {
    id: a.id,
    collection: a.collection,
    name: a.name,
    nameLower: a.name.toLowerCase(),
    words: searchWords(a.name),
    type: a.type,
    tags: a.tags,
    status: a.headStatus ?? 'none',
    description: a.description,
    license: a.license,
    metadata: a.metadata,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    size: a.headSize ?? 0,
    headVersionId: a.headVersionId,
    headNumber: a.headNumber,
    versionCount: a.versionCount,
    deleted: a.deleted ? 1 : 0,
  };
}

function listInput(query: LibraryQuery): ListInput {
  const text = query.text.trim();
  const digest = hexPrefix.exec(text)?.[1];
  return {
    ...(query.collection ? { collection: query.collection } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(digest ? { sha256: digest } : text ? { name: text.slice(0, 255) } : {}),
    includeDeleted: query.showDeleted,
    sort: query.sort === 'updated' ? 'updated' : 'name',
  };
}

export const engineSource: CatalogueSource = {
  name: 'engine',
  async queryArtifacts(query) {
    const input = listInput(query);
    const first = await api['catalogue.artifacts.list']({ ...input, offset: 0, limit: 100 });
    const total = first.total;
    // The engine lists names A→Z and times newest first; the other direction reads pages from the end.
    const reversed = (input.sort === 'name') === query.descending;
    const read = async (offset: number, limit: number) =>
      offset === 0 && limit <= 100 ? first.items.slice(0, limit) : (await api['catalogue.artifacts.list']({ ...input, offset, limit: Math.min(limit, 1000) })).items;
    return {
      total,
      async page(offset, limit) {
        if (!reversed) return (await read(offset, limit)).map(artifactRowOf);
        const end = total - offset;
        const start = Math.max(0, end - limit);
        if (end <= 0) return [];
        return (await read(start, end - start)).reverse().map(artifactRowOf);
      },
    };
  },
  async facets() {
    const { total } = await api['catalogue.artifacts.list']({ limit: 1 });
    return { types: [], tags: [], collections: [], artifactCount: total };
  },
};
