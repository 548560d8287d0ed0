import { create } from 'zustand';
import { catalogueSource, type Facets, type LibraryQuery, type SortKey } from '../catalogue/catalogue-source';
import { describeError } from '../api/errors';
import type { ArtifactRow } from '../db/schema';

/**
 * The Library's query and the window of rows the table has asked for. The matching ids are held
 * in full (strings are cheap, 100k of them a few MB); rows are fetched a page at a time as the
 * virtualised table scrolls, kept in a bounded cache, and dropped when the replica changes.
 */
interface LibraryState {
  query: LibraryQuery;
  ids: string[];
  /** Fetched rows by id. Mutated in place (copying 100k entries per page would stall scrolling); `rowsVersion` tells React. */
  rows: Map<string, ArtifactRow>;
  rowsVersion: number;
  facets: Facets;
  loaded: boolean;
  error: string | null;
  /** How long the last query took (ms), for the performance report. */
  queryMs: number;
  activeIndex: number;
  setQuery(patch: Partial<LibraryQuery>): void;
  sortBy(key: SortKey): void;
  setActiveIndex(index: number): void;
  refresh(): Promise<void>;
  ensureRows(start: number, end: number): void;
}

const pageSize = 100;
/** Rows kept in memory; beyond this, rows far from the window are dropped (and refetched if needed). */
const maxCachedRows = 3000;
const defaultQuery: LibraryQuery = {
  text: '',
  type: null,
  tag: null,
  status: null,
  collection: null,
  showDeleted: false,
  sort: 'name',
  descending: false,
};

let queryGeneration = 0;
const pagesInFlight = new Set<number>();
/** Pages read since the last query: rows from before it are shown until their page is re-read. */
const freshPages = new Set<number>();

export const useLibraryStore = create<LibraryState>((set, get) => ({
  query: defaultQuery,
  ids: [],
  rows: new Map(),
  rowsVersion: 0,
  facets: { types: [], tags: [], collections: [] },
  loaded: false,
  error: null,
  queryMs: 0,
  activeIndex: 0,

  setQuery(patch) {
    set({ query: { ...get().query, ...patch }, activeIndex: 0 });
    void get().refresh();
  },

  sortBy(key) {
    const { query } = get();
    // Names read best A→Z; time and size are most useful newest/largest first.
    const descending = query.sort === key ? !query.descending : key !== 'name';
    get().setQuery({ sort: key, descending });
  },

  setActiveIndex(index) {
    const last = get().ids.length - 1;
    set({ activeIndex: Math.max(0, Math.min(index, last)) });
  },

  async refresh() {
    const generation = ++queryGeneration;
    const started = performance.now();
    try {
      const [ids, facets] = await Promise.all([catalogueSource.queryArtifactIds(get().query), catalogueSource.facets()]);
      if (generation !== queryGeneration) return; // a newer query is on its way
      pagesInFlight.clear();
      freshPages.clear();
      set({ ids, facets, loaded: true, error: null, queryMs: performance.now() - started, activeIndex: Math.min(get().activeIndex, Math.max(0, ids.length - 1)) });
    } catch (err) {
      if (generation === queryGeneration) set({ error: `The library could not be read from the local copy: ${describeError(err)}`, loaded: true });
    }
  },

  ensureRows(start, end) {
    const { ids } = get();
    const generation = queryGeneration;
    for (let page = Math.floor(start / pageSize); page * pageSize <= end && page * pageSize < ids.length; page += 1) {
      const pageIds = ids.slice(page * pageSize, (page + 1) * pageSize);
      if (pagesInFlight.has(page) || freshPages.has(page)) continue;
      pagesInFlight.add(page);
      void catalogueSource.artifactRows(pageIds).then(
        (found) => {
          if (generation !== queryGeneration) return;
          const cache = get().rows;
          if (cache.size > maxCachedRows) {
            const from = Math.max(0, start - maxCachedRows / 3);
            const to = end + maxCachedRows / 3;
            const keep = new Set(get().ids.slice(from, to));
            for (const id of cache.keys()) if (!keep.has(id)) cache.delete(id);
            for (const p of freshPages) if (p < Math.floor(from / pageSize) || p > Math.floor(to / pageSize)) freshPages.delete(p);
          }
          for (const row of found) if (row) cache.set(row.id, row);
          pagesInFlight.delete(page);
          freshPages.add(page);
          set({ rowsVersion: get().rowsVersion + 1 });
        },
        (err: unknown) => {
          pagesInFlight.delete(page);
          set({ error: `Rows could not be read from the local copy: ${describeError(err)}` });
        },
      );
    }
  },
}));
