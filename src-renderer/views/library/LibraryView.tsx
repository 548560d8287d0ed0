import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatCount } from '../../format';
import { useLibraryStore } from '../../state/library-store';
import { useReplicaStore } from '../../state/replica-store';
import { AddDialog } from './AddDialog';
import { CollectionsBar } from './CollectionsBar';
import { LibraryFilters } from './LibraryFilters';
import { LibraryTable } from './LibraryTable';
import { Welcome } from './Welcome';
import { useShallow } from 'zustand/react/shallow';

const refreshDelayMs = 150;

/** Re-reads the Library whenever the local copy changed (batched: a sync writes in bursts). */
function useLibraryFollowsReplica() {
  const revision = useReplicaStore((s) => s.revision);
  // Ready switches the Library from the engine to the local copy (catalogue-source.ts).
  const ready = useReplicaStore((s) => s.phase === 'ready');
  const refresh = useLibraryStore((s) => s.refresh);
  useEffect(() => {
    const timer = setTimeout(() => void refresh(), revision === 0 ? 0 : refreshDelayMs);
    return () => clearTimeout(timer);
  }, [revision, ready, refresh]);
}

export function LibraryView() {
  useLibraryFollowsReplica();
  const { shown, loaded, error, query, facets } = useLibraryStore(useShallow((s) => ({ shown: s.total, loaded: s.loaded, error: s.error, query: s.query, facets: s.facets })));
  const replica = useReplicaStore();
  const [adding, setAdding] = useState(false);
  const total = facets.artifactCount;
  const filtered = Boolean(query.type || query.tag || query.status || query.collection || query.text);
  const syncing = replica.phase === 'loading' || replica.phase === 'syncing' || replica.phase === 'idle';

  let body;
  if (!loaded) body = <p className="muted">Opening the library…</p>;
  else if (total === 0 && !query.showDeleted) {
    body = syncing ? <p className="muted" aria-live="polite">Fetching the catalogue from the engine…</p> : <Welcome onAdd={() => setAdding(true)} />;
  } else if (shown === 0) {
    body = (
      <p className="empty" aria-live="polite">
        No artifacts match {filtered ? 'these filters' : ''}
        {query.text ? ` and “${query.text}”` : ''}.
      </p>
    );
  } else body = <LibraryTable />;

  return (
    <section className="view view-fill" aria-labelledby="library-heading">
      <div className="view-header">
        <h1 id="library-heading">Library</h1>
        <span className="muted" aria-live="polite" data-testid="library-count">
          {loaded && total > 0 && (shown === total ? `${formatCount(total)} artifact${total === 1 ? '' : 's'}` : `${formatCount(shown)} of ${formatCount(total)} artifacts`)}
        </span>
        <div className="spacer" />
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add file or folder…
        </button>
      </div>
      <ErrorNotice message={replica.error} />
      <ErrorNotice message={error} onRetry={() => void useLibraryStore.getState().refresh()} />
      {total > 0 && (
        <>
          <CollectionsBar />
          <LibraryFilters />
        </>
      )}
      {body}
      {adding && <AddDialog onClose={() => setAdding(false)} />}
    </section>
  );
}
