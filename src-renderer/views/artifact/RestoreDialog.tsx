import { useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { PathField } from '../../components/PathField';
import { ProgressBar } from '../../components/ProgressBar';
import type { VersionRow } from '../../db/schema';
import { formatBytes } from '../../format';
import { artifactActions } from '../../state/artifact-store';
import { useJobSince } from '../../state/jobs-store';

/** Writes a version's content into a folder on the engine's machine (`catalogue.restoreTo`). */
export function RestoreDialog({ version, onClose }: { version: VersionRow; onClose: () => void }) {
  const [target, setTarget] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [anyStatus, setAnyStatus] = useState(false);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const job = useJobSince('restore', startedAt);
  const published = version.status === 'published';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStartedAt(Date.now());
    const ok = await artifactActions.restoreTo({ version: version.id, target: target.trim(), overwrite, anyStatus: !published && anyStatus });
    setStartedAt(null);
    if (ok) onClose();
  };

  return (
    <Dialog title={`Restore ${version.name} v${version.number} to…`} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <PathField label="Target folder" value={target} onChange={setTarget} hint="An absolute path on the machine the engine runs on; it is created when missing." />
        <label className="checkbox">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
          Overwrite files that already exist there
        </label>
        {!published && (
          <label className="checkbox">
            <input type="checkbox" checked={anyStatus} onChange={(e) => setAnyStatus(e.target.checked)} />
            Restore although v{version.number} is not published (it is {version.status.replace('_', ' ')})
          </label>
        )}
        {startedAt !== null && (
          <ProgressBar
            label="Restoring"
            fraction={job?.bytesTotal ? (job.bytesDone ?? 0) / job.bytesTotal : null}
            detail={job ? `${job.done} of ${job.total} files, ${formatBytes(job.bytesDone ?? 0)}` : 'Starting…'}
          />
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={startedAt !== null || target.trim() === '' || (!published && !anyStatus)}>
            Restore
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
