import { versionStatuses, type VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import type { SortKey } from '../../catalogue/catalogue-source';
import { statusLabels } from '../../format';
import { useLibraryStore } from '../../state/library-store';
import { useShallow } from 'zustand/react/shallow';

const sortLabels: Record<SortKey, string> = { name: 'Name', updated: 'Last updated', size: 'Size' };

/** Type, tag and status filters and the sort order; the collection is chosen in CollectionsBar. */
export function LibraryFilters() {
  const { query, facets, setQuery } = useLibraryStore(useShallow((s) => ({ query: s.query, facets: s.facets, setQuery: s.setQuery })));
  const active = query.type || query.tag || query.status || query.collection || query.text || query.showDeleted;
  return (
    <div className="filters" role="group" aria-label="Filters">
      <label>
        Type
        <select value={query.type ?? ''} onChange={(e) => setQuery({ type: e.target.value || null })}>
          <option value="">Any</option>
          {facets.types.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <select value={query.tag ?? ''} onChange={(e) => setQuery({ tag: e.target.value || null })}>
          <option value="">Any</option>
          {facets.tags.map((tag) => (
            <option key={tag}>{tag}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={query.status ?? ''} onChange={(e) => setQuery({ status: (e.target.value || null) as VersionStatus | null })}>
          <option value="">Any</option>
          {versionStatuses.map((status) => (
            <option key={status} value={status}>
              {statusLabels[status]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Sort by
        <select
          value={`${query.sort}:${query.descending ? 'desc' : 'asc'}`}
          onChange={(e) => {
            const [sort, direction] = e.target.value.split(':') as [SortKey, string];
            setQuery({ sort, descending: direction === 'desc' });
          }}
        >
          {(Object.keys(sortLabels) as SortKey[]).flatMap((key) => [
            <option key={`${key}:asc`} value={`${key}:asc`}>
              {sortLabels[key]} {key === 'name' ? 'A→Z' : key === 'size' ? '(smallest first)' : '(oldest first)'}
            </option>,
            <option key={`${key}:desc`} value={`${key}:desc`}>
              {sortLabels[key]} {key === 'name' ? 'Z→A' : key === 'size' ? '(largest first)' : '(newest first)'}
            </option>,
          ])}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={query.showDeleted} onChange={(e) => setQuery({ showDeleted: e.target.checked })} />
        Show deleted
      </label>
      {active && (
        <button type="button" className="link-button" onClick={() => setQuery({ type: null, tag: null, status: null, collection: null, text: '', showDeleted: false })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
