import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFoldersStore, type WatchedFolder } from '../../state/folders-store';
import { AddDialog } from '../library/AddDialog';
import { FolderCard } from './FolderCard';
import { FolderForm } from './FolderForm';

type Open = { kind: 'none' } | { kind: 'add' } | { kind: 'edit'; folder: WatchedFolder } | { kind: 'once' };

/** Watched folders: every stable change of a file in them becomes a version, by itself. */
export function FoldersView() {
  const { folders, allPaused, loaded, error, load, setPaused } = useFoldersStore();
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  useEffect(() => void load(), [load]);

  return (
    <section className="view" aria-labelledby="folders-heading">
      <div className="view-header">
        <h1 id="folders-heading">Folders</h1>
        <div className="spacer" />
        {folders.length > 0 && (
          <button type="button" onClick={() => void setPaused(null, !allPaused)}>
            {allPaused ? 'Resume all' : 'Pause all'}
          </button>
        )}
        <button type="button" onClick={() => setOpen({ kind: 'once' })}>
          Store once…
        </button>
        <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
          Add a folder
        </button>
      </div>
      <ErrorNotice message={error} onRetry={() => void load()} />
      {allPaused && folders.length > 0 && (
        <p className="notice-inline" role="status">
          All folders are paused until you resume them (or the engine restarts).
        </p>
      )}
      {loaded && folders.length === 0 && !error && (
        <div className="empty-state">
          <h2>No watched folders yet</h2>
          <p>
            Add a folder and Cairn keeps a version of every file in it each time the file changes and settles. Nothing is uploaded anywhere until you back up to an endpoint.
          </p>
          <p>
            To keep a single snapshot instead, use <strong>Store once</strong>.
          </p>
          <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
            Add a folder
          </button>
        </div>
      )}
      <div className="cards">
        {folders.map((folder) => (
          <FolderCard key={folder.id} folder={folder} onEdit={() => setOpen({ kind: 'edit', folder })} />
        ))}
      </div>
      {open.kind === 'add' && <FolderForm onClose={() => setOpen({ kind: 'none' })} />}
      {open.kind === 'edit' && <FolderForm editing={open.folder} onClose={() => setOpen({ kind: 'none' })} />}
      {open.kind === 'once' && <AddDialog onClose={() => setOpen({ kind: 'none' })} />}
    </section>
  );
}
