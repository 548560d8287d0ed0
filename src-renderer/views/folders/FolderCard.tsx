import { useState } from 'react';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../format';
import { notify } from '../../state/notices-store';
import { useFoldersStore, type WatchedFolder } from '../../state/folders-store';

const stateLabels: Record<string, string> = { watching: 'watching', paused: 'paused', missing: 'folder missing', stopped: 'stopped', starting: 'starting' };

/** One watched folder: its settings, pause/resume, and what its watcher did lately. */
export function FolderCard({ folder, onEdit }: { folder: WatchedFolder; onEdit: () => void }) {
  const activity = useFoldersStore((s) => s.activity[folder.id]);
  const setPaused = useFoldersStore((s) => s.setPaused);
  const remove = useFoldersStore((s) => s.remove);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const lines = [...(activity ?? [])].reverse().slice(0, 30);
  const errors = (activity ?? []).filter((a) => a.level === 'error').length;
  const headingId = `folder-${folder.id}-heading`;
  const paused = folder.paused || folder.state === 'paused';

  return (
    <article className="panel" aria-labelledby={headingId} data-testid={`folder-${folder.id}`}>
      <div className="panel-header">
        <h2 id={headingId} className="folder-path">
          {folder.path}
        </h2>
        <span className={`pill${folder.state === 'missing' ? ' pill-warn' : ''}`} data-testid="folder-state">
          {stateLabels[folder.state] ?? folder.state}
        </span>
        {errors > 0 && <span className="pill pill-warn">{errors} problem{errors === 1 ? '' : 's'}</span>}
      </div>
      <dl className="facts">
        <dt>Collection</dt>
        <dd>{folder.collection}</dd>
        <dt>New versions</dt>
        <dd>{folder.mode === 'auto-publish' ? 'verified and published when they pass' : 'drafts'}</dd>
        <dt>Artifacts</dt>
        <dd>{folder.bundles ? 'each top-level folder is one bundle; top-level files are files' : 'one per file'}</dd>
        {folder.typeRules.length > 0 && (
          <>
            <dt>Type rules</dt>
            <dd>{folder.typeRules.map((r) => `${r.glob} → ${r.type}`).join(', ')}</dd>
          </>
        )}
        {folder.ignore.length > 0 && (
          <>
            <dt>Ignored</dt>
            <dd>
              <code>{folder.ignore.join(', ')}</code>
            </dd>
          </>
        )}
        {folder.maxFileSize !== undefined && (
          <>
            <dt>Size limit</dt>
            <dd>files over {formatBytes(folder.maxFileSize)} are skipped</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void setPaused(folder.id, !paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={onEdit}>
          Settings…
        </button>
        <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
          Stop watching…
        </button>
      </div>
      <h3>Activity</h3>
      <ol className="log" aria-label={`Activity of ${folder.path}, newest first`} data-testid="folder-activity">
        {lines.length === 0 && <li className="muted">Nothing since this window opened. New and changed files appear here as they are stored.</li>}
        {lines.map((line) => (
          <li key={line.key} className={`log-${line.level}`}>
            <time dateTime={new Date(line.time).toISOString()}>{new Date(line.time).toLocaleTimeString()}</time> {line.text}
          </li>
        ))}
      </ol>
      {confirmRemove && (
        <Dialog title="Stop watching this folder?" onClose={() => setConfirmRemove(false)}>
          <p>
            Changes in <code>{folder.path}</code> will no longer be stored. Every version stored so far stays in the Library, and no file on disk is touched.
          </p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmRemove(false);
                remove(folder.id).catch((err: unknown) => notify('error', `Could not stop watching: ${describeError(err)}`));
              }}
            >
              Stop watching
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)} autoFocus>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </article>
  );
}
