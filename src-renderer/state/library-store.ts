import { create } from 'zustand';
import { describeError, errorCode } from '../api/errors';
import { currentSource, type ArtifactResults, type Facets, type LibraryQuery, type SortKey } from '../catalogue/catalogue-source';
import type { ArtifactRow } from '../db/schema';

/**
 * The Library's query, its results and the rows the table has asked for. Rows are read a page at
 * a time as the virtualised table scrolls, kept in a bounded cache by position, and re-read
 * when the catalogue changes (the previous rows stay on screen until then, so nothing flickers).
 */
interface LibraryState {
  query: LibraryQuery;
  total: number;
  /** Fetched rows by position. Mutated in place (copying per page would stall scrolling); `rowsVersion` tells React. */
  rows: Map<number, ArtifactRow>;
  rowsVersion: number;
  /** Bumped by every refresh: the table asks for its rows again. */
  resultsVersion: number;
  facets: Facets;
  source: 'local copy' | 'engine' | null;
  loaded: boolean;
  error: string | null;
  /** How long the last query took (ms). */
  queryMs: number;
  activeIndex: number;
  setQuery(patch: Partial<LibraryQuery>): void;
  sortBy(key: SortKey): void;
  setActiveIndex(index: number): void;
  refresh(): Promise<void>;
  ensureRows(start: number, end: number): void;
}

const pageSize = 100;
/** Rows kept in memory; beyond this, rows far from the window are dropped (and re-read if needed). */
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

let results: ArtifactResults | null = null;
/** The query (and source) the cached rows belong to: rows of another one are dropped on arrival of new results. */
let rowsKey = '';
let queryGeneration = 0;
const pagesInFlight = new Set<number>();
/** Pages read since the last query: rows from before it are shown until their page is re-read. */
const freshPages = new Set<number>();

export const useLibraryStore = create<LibraryState>((set, get) => ({
  query: defaultQuery,
  total: 0,
  rows: new Map(),
  rowsVersion: 0,
  resultsVersion: 0,
  facets: { types: [], tags: [], collections: [], artifactCount: 0 },
  source: null,
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
    const last = get().total - 1;
    set({ activeIndex: Math.max(0, Math.min(index, last)) });
  },

  async refresh() {
    const generation = ++queryGeneration;
    const started = performance.now();
    try {
      const source = await currentSource();
      const [found, facets] = await Promise.all([source.queryArtifacts(get().query), source.facets()]);
      if (generation !== queryGeneration) return; // a newer query is on its way
      const key = JSON.stringify([source.name, get().query]);
      const sameRows = key === rowsKey;
      rowsKey = key;
      results = found;
      pagesInFlight.clear();
      freshPages.clear();
      set({
        total: found.total,
        resultsVersion: get().resultsVersion + 1,
        facets,
        source: source.name,
        loaded: true,
        error: null,
        queryMs: performance.now() - started,
        activeIndex: Math.min(get().activeIndex, Math.max(0, found.total - 1)),
        // Positions mean other artifacts after a new query; the same query keeps its rows until they are re-read.
        ...(sameRows ? {} : { rows: new Map() }),
      });
    } catch (err) {
      if (generation !== queryGeneration) return;
      // A refused token is said once, above every view (shell/EngineAlert).
      set({ error: errorCode(err) === 'UNAUTHORIZED' ? null : `The library could not be read: ${describeError(err)}`, loaded: true });
    }
  },

  ensureRows(start, end) {
    const current = results;
    const { total } = get();
    if (!current) return;
    const generation = queryGeneration;
    for (let page = Math.floor(start / pageSize); page * pageSize <= end && page * pageSize < total; page += 1) {
      if (pagesInFlight.has(page) || freshPages.has(page)) continue;
      pagesInFlight.add(page);
      void current.page(page * pageSize, pageSize).then(
        (found) => {
          if (generation !== queryGeneration) return;
          const cache = get().rows;
          if (cache.size > maxCachedRows) {
            const from = Math.max(0, start - maxCachedRows / 3);
            const to = end + maxCachedRows / 3;
            for (const position of cache.keys()) if (position < from || position > to) cache.delete(position);
            for (const p of freshPages) if ((p + 1) * pageSize < from || p * pageSize > to) freshPages.delete(p);
          }
          found.forEach((row, i) => cache.set(page * pageSize + i, row));
          // A page that came back short (the list shrank): drop what was beyond its end.
          for (let i = found.length; i < pageSize; i += 1) cache.delete(page * pageSize + i);
          pagesInFlight.delete(page);
          freshPages.add(page);
          set({ rowsVersion: get().rowsVersion + 1 });
        },
        (err: unknown) => {
          pagesInFlight.delete(page);
          set({ error: `Rows could not be read: ${describeError(err)}` });
        },
      );
    }
  },
}));

/** The artifact shown at a position, when its row has been read. */
export function artifactAt(index: number): ArtifactRow | undefined {
  return useLibraryStore.getState().rows.get(index);
}
