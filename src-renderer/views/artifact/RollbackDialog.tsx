import { Dialog } from '../../components/Dialog';
import type { VersionRow } from '../../db/schema';
import { artifactActions, useArtifactStore } from '../../state/artifact-store';

/** Rollback never rewrites history: it adds a version whose content is the chosen one's. */
export function RollbackDialog({ version, nextNumber, onClose }: { version: VersionRow; nextNumber: number; onClose: () => void }) {
  const busy = useArtifactStore((s) => s.busy);
  const confirm = async () => {
    if (await artifactActions.rollback(version.artifactId, version.number)) onClose();
  };
  return (
    <Dialog title={`Roll back to v${version.number}?`} onClose={onClose}>
      <p>
        This adds a new version, v{nextNumber}, with the content of v{version.number}. Nothing is deleted: every version stays in the timeline, and no new bytes are
        stored.
      </p>
      <p className="muted">If the artifact comes from a watched folder, the file on disk is written back too.</p>
      <div className="actions">
        <button type="button" className="primary" disabled={busy !== null} onClick={() => void confirm()} autoFocus>
          {busy ?? `Roll back to v${version.number}`}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
