import { formatCount } from '../../format';
import { useLibraryStore } from '../../state/library-store';
import { useShallow } from 'zustand/react/shallow';

/** The collections, with how many artifacts each holds; choosing one filters the table. */
export function CollectionsBar() {
  const { query, facets, setQuery } = useLibraryStore(useShallow((s) => ({ query: s.query, facets: s.facets, setQuery: s.setQuery })));
  if (facets.collections.length < 2 && !query.collection) return null;
  const total = facets.artifactCount;
  const options = [{ name: null as string | null, label: 'All collections', count: total }, ...facets.collections.map((c) => ({ name: c.name as string | null, label: c.name, count: c.count }))];
  return (
    <div className="collections" role="group" aria-label="Collections">
      {options.map((option) => (
        <button
          key={option.label}
          type="button"
          className="chip"
          aria-pressed={query.collection === option.name}
          onClick={() => setQuery({ collection: option.name })}
        >
          {option.label} <span className="chip-count">{formatCount(option.count)}</span>
        </button>
      ))}
    </div>
  );
}
