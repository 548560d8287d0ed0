import { useState } from 'react';
import { AddDialog } from '../library/AddDialog';

/**
 * Watched folders. The watcher's commands (`watch.*`) are not in the contract yet, so this view
 * offers what the engine can do today: store a folder's current content as a version.
 */
export function FoldersView() {
  const [adding, setAdding] = useState(false);
  return (
    <section className="view" aria-labelledby="folders-heading">
      <div className="view-header">
        <h1 id="folders-heading">Folders</h1>
        <div className="spacer" />
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Store a folder now…
        </button>
      </div>
      <div className="empty-state" data-testid="folders-unavailable">
        <h2>Watching folders is not available from this engine yet</h2>
        <p>
          A watched folder turns every file in it into an artifact and every change into a new version, by itself. This engine does not offer the watch commands yet, so
          folders cannot be watched from here.
        </p>
        <p>
          Meanwhile, <strong>Store a folder now</strong> keeps the folder&apos;s current content as a version (a bundle artifact); store it again later to add the next
          version.
        </p>
      </div>
      {adding && <AddDialog onClose={() => setAdding(false)} />}
    </section>
  );
}
