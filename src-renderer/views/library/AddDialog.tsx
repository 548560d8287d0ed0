import { useState, type FormEvent } from 'react';
import type { CommandOutput } from '../../../src-shared/contract';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PathField } from '../../components/PathField';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../format';
import { useJobSince } from '../../state/jobs-store';
import { useNavigationStore } from '../../state/navigation-store';
import { notify } from '../../state/notices-store';

type AddResult = CommandOutput<'catalogue.add'>;

/** Stores one file or folder as the next version of an artifact (`catalogue.add`). */
export function AddDialog({ onClose }: { onClose: () => void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [collection, setCollection] = useState('');
  const [type, setType] = useState('');
  const [message, setMessage] = useState('');
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useJobSince('snapshot', startedAt);
  const openArtifact = useNavigationStore((s) => s.openArtifact);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setStartedAt(Date.now());
    try {
      const result: AddResult = await api['catalogue.add']({
        path: path.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(collection.trim() ? { collection: collection.trim() } : {}),
        ...(type.trim() ? { type: type.trim() } : {}),
        ...(message.trim() ? { message: message.trim() } : {}),
      });
      const v = result.version;
      notify(
        'success',
        result.created
          ? `Stored ${v.name} as v${v.number}: ${result.files} file(s), ${formatBytes(result.bytesNew)} new of ${formatBytes(result.bytesRead)}.`
          : `${v.name} is unchanged since v${v.number}: no new version.`,
      );
      onClose();
      openArtifact(v.artifactId);
    } catch (err) {
      setError(describeError(err));
      setStartedAt(null);
    }
  };

  const busy = startedAt !== null;
  return (
    <Dialog title="Add a file or folder" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="form">
        <PathField label="File or folder" value={path} onChange={setPath} hint="An absolute path on the machine the engine runs on. A folder becomes one bundle artifact." />
        <div className="form-grid">
          <div className="field">
            <label htmlFor="add-name">Name</label>
            <input id="add-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="the file or folder name" />
          </div>
          <div className="field">
            <label htmlFor="add-collection">Collection</label>
            <input id="add-collection" value={collection} onChange={(e) => setCollection(e.target.value)} placeholder="default" />
          </div>
          <div className="field">
            <label htmlFor="add-type">Type</label>
            <input id="add-type" value={type} onChange={(e) => setType(e.target.value)} placeholder="from the type rules" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="add-message">Message</label>
          <input id="add-message" value={message} onChange={(e) => setMessage(e.target.value)} placeholder="what changed (optional)" />
        </div>
        {busy && (
          <ProgressBar
            label="Adding"
            fraction={job && job.bytesTotal ? (job.bytesDone ?? 0) / job.bytesTotal : null}
            detail={job ? `${job.phase}: ${job.done} of ${job.total} files, ${formatBytes(job.bytesDone ?? 0)}` : 'Starting…'}
          />
        )}
        <ErrorNotice message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || path.trim() === ''}>
            {busy ? 'Adding…' : 'Add'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
