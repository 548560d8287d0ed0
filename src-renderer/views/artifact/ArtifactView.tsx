import { useEffect, useState } from 'react';
import { useArtifact } from '../../catalogue/use-artifact';
import { Dialog } from '../../components/Dialog';
import { StatusBadge } from '../../components/StatusBadge';
import { formatBytes, formatCount } from '../../format';
import { artifactActions, useArtifactStore } from '../../state/artifact-store';
import { useNavigationStore } from '../../state/navigation-store';
import { useReplicaStore } from '../../state/replica-store';
import { MetadataEditor } from './MetadataEditor';
import { VersionPanel } from './VersionPanel';
import { VersionTimeline } from './VersionTimeline';

/** Keeps the engine-side detail of the selected version current as the catalogue changes. */
function useDetailFollowsReplica() {
  const revision = useReplicaStore((s) => s.revision);
  useEffect(() => {
    const timer = setTimeout(() => void useArtifactStore.getState().loadDetail(), 200);
    return () => clearTimeout(timer);
  }, [revision]);
}

export function ArtifactView({ artifactId }: { artifactId: string }) {
  const closeArtifact = useNavigationStore((s) => s.closeArtifact);
  const data = useArtifact(artifactId);
  const artifact = data.state === 'found' ? data.artifact : undefined;
  const versions = data.state === 'found' ? data.versions : undefined;
  const { selectedVersionId, select, busy } = useArtifactStore();
  const [confirmDelete, setConfirmDelete] = useState(false);
  useDetailFollowsReplica();

  // Open on the current version. A selected id not in the list yet (the version a rollback just
  // made) is kept: the replica brings it a moment later.
  const selected = versions?.find((v) => v.id === selectedVersionId);
  useEffect(() => {
    if (!versions || versions.length === 0 || selectedVersionId !== null) return;
    select(artifact?.headVersionId ?? (versions[versions.length - 1]?.id as string));
  }, [versions, selectedVersionId, artifact?.headVersionId, select]);
  useEffect(() => () => useArtifactStore.getState().select(null), [artifactId]);

  if (data.state === 'loading') return <p className="muted">Opening…</p>;
  if (data.state === 'missing' || !artifact) {
    return (
      <section className="view">
        <button type="button" className="link-button" onClick={closeArtifact}>
          ← Library
        </button>
        <p className="empty" role="alert">
          This artifact was not found{data.state === 'missing' && data.error ? `: ${data.error}` : '.'} It may have been deleted, or belong to another repository.
        </p>
      </section>
    );
  }

  return (
    <section className="view" aria-labelledby="artifact-heading">
      <button type="button" className="link-button back" onClick={closeArtifact}>
        ← Library
      </button>
      <div className="view-header">
        <h1 id="artifact-heading" data-testid="artifact-name">
          {artifact.name}
        </h1>
        <StatusBadge status={artifact.status} />
        {artifact.deleted === 1 && <span className="pill pill-warn">deleted</span>}
        <div className="spacer" />
        {artifact.deleted === 1 ? (
          <button type="button" disabled={busy !== null} onClick={() => void artifactActions.undeleteArtifact(artifact.id)}>
            Restore artifact
          </button>
        ) : (
          <button type="button" className="danger" disabled={busy !== null} onClick={() => setConfirmDelete(true)}>
            Delete…
          </button>
        )}
      </div>
      <p className="subtitle muted">
        {artifact.collection} · {artifact.type} · {formatCount(artifact.versionCount)} version{artifact.versionCount === 1 ? '' : 's'}
        {artifact.headVersionId && ` · ${formatBytes(artifact.size)}`}
        {artifact.license && ` · ${artifact.license}`}
      </p>
      {artifact.description && <p className="description">{artifact.description}</p>}

      <div className="artifact-layout">
        <div className="artifact-timeline">
          <h2>Timeline</h2>
          {versions && <VersionTimeline versions={versions} selectedId={selectedVersionId} onSelect={select} />}
        </div>
        <div className="artifact-detail">
          {selected && versions && <VersionPanel version={selected} versions={versions} />}
          <section className="panel" aria-label="Artifact details">
            <MetadataEditor artifact={artifact} />
          </section>
        </div>
      </div>

      {confirmDelete && (
        <Dialog title={`Delete ${artifact.name}?`} onClose={() => setConfirmDelete(false)}>
          <p>The artifact and its versions are hidden and marked deleted. Nothing is erased until garbage collection, so it can be restored until then.</p>
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() => {
                setConfirmDelete(false);
                void artifactActions.deleteArtifact(artifact.id);
              }}
            >
              Delete
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)} autoFocus>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
