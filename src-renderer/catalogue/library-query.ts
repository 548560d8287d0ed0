/** The Library's questions to the catalogue, whichever source answers them. */
import type { VersionStatus } from '../../src-shared/catalogue/lifecycle';
import type { ArtifactRow, VersionRow } from '../db/schema';

export type SortKey = 'name' | 'updated' | 'size';

export interface LibraryQuery {
  /** Words of the global search: each must match a name word prefix, a tag, a type or a sha256 prefix. */
  text: string;
  type: string | null;
  tag: string | null;
  status: VersionStatus | null;
  collection: string | null;
  showDeleted: boolean;
  sort: SortKey;
  descending: boolean;
}

/** What the filters offer, and how many live artifacts there are in all. */
export interface Facets {
  types: string[];
  tags: string[];
  collections: { name: string; count: number }[];
  artifactCount: number;
}

/** The artifacts matching one query, in display order, read a page at a time. */
export interface ArtifactResults {
  total: number;
  /** Rows `offset` … `offset + limit - 1` (fewer at the end). */
  page(offset: number, limit: number): Promise<ArtifactRow[]>;
}

/** Where the Library reads the catalogue from; see catalogue-source.ts for which one is used. */
export interface CatalogueSource {
  readonly name: 'local copy' | 'engine';
  queryArtifacts(query: LibraryQuery): Promise<ArtifactResults>;
  facets(): Promise<Facets>;
}

export type { ArtifactRow, VersionRow };
