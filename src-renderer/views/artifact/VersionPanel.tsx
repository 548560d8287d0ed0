import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatusBadge } from '../../components/StatusBadge';
import type { VersionRow } from '../../db/schema';
import { formatBytes, formatDateTime } from '../../format';
import { useArtifactStore } from '../../state/artifact-store';
import { CompareDialog } from './CompareDialog';
import { LineageEditor, LineageGraph } from './LineageGraph';
import { PlacementDialog } from './PlacementDialog';
import { RestoreDialog } from './RestoreDialog';
import { RollbackDialog } from './RollbackDialog';
import { ShareDialog } from './ShareDialog';
import { StatusActions } from './StatusActions';

type OpenDialog = 'restore' | 'rollback' | 'compare' | 'share' | 'placement' | null;

/** One version: its facts, the actions on it, its status and its lineage. */
export function VersionPanel({ version, versions }: { version: VersionRow; versions: VersionRow[] }) {
  const { detail, detailError, validations, busy, loadDetail } = useArtifactStore();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const current = detail?.version.id === version.id ? detail : null;
  const lastValidation = validations[version.id] ?? current?.lastValidation ?? null;
  const restoredFrom = version.restoredFrom ? versions.find((v) => v.id === version.restoredFrom) : undefined;
  const parent = version.parentVersionId ? versions.find((v) => v.id === version.parentVersionId) : undefined;
  const label = `${version.name} v${version.number}`;

  return (
    <section className="panel" aria-labelledby="version-heading" data-testid="version-panel">
      <div className="panel-header">
        <h2 id="version-heading">
          v{version.number} <StatusBadge status={version.status} />
        </h2>
        {busy && (
          <span className="muted" aria-live="polite">
            {busy}
          </span>
        )}
      </div>
      <dl className="facts">
        <dt>SHA-256</dt>
        <dd>
          <code className="digest" data-testid="version-sha256">
            {version.sha256}
          </code>
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(version.size)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(version.createdAt)}</dd>
        <dt>Device</dt>
        <dd>{version.provenance.host ? `${version.provenance.host} (${version.deviceId})` : version.deviceId}</dd>
        {version.provenance.sourcePath && (
          <>
            <dt>Source</dt>
            <dd>
              <code>{version.provenance.sourcePath}</code>
            </dd>
          </>
        )}
        {version.provenance.tool && (
          <>
            <dt>Stored by</dt>
            <dd>{version.provenance.tool}</dd>
          </>
        )}
        {parent && (
          <>
            <dt>Previous</dt>
            <dd>v{parent.number}</dd>
          </>
        )}
        {restoredFrom && (
          <>
            <dt>Restored from</dt>
            <dd>v{restoredFrom.number}</dd>
          </>
        )}
        {version.message && (
          <>
            <dt>Message</dt>
            <dd>{version.message}</dd>
          </>
        )}
      </dl>

      <div className="actions">
        <button type="button" onClick={() => setDialog('restore')}>
          Restore to…
        </button>
        {!version.isHead && !version.deleted && (
          <button type="button" onClick={() => setDialog('rollback')} disabled={busy !== null}>
            Roll back to v{version.number}
          </button>
        )}
        <CopyButton text={version.sha256} label="Copy sha256" what="The SHA-256" />
        <button type="button" onClick={() => setDialog('compare')}>
          {versions.length > 1 ? 'Compare…' : 'Preview…'}
        </button>
        <button type="button" onClick={() => setDialog('share')}>
          Share link…
        </button>
        <button type="button" onClick={() => setDialog('placement')}>
          Where is it stored?
        </button>
      </div>

      <StatusActions version={version} lastValidation={lastValidation} />

      <h3>Lineage</h3>
      <ErrorNotice message={detailError} onRetry={() => void loadDetail()} />
      {current ? (
        <>
          <LineageGraph label={label} outgoing={current.outgoingLinks} incoming={current.incomingLinks} />
          <LineageEditor versionId={version.id} outgoing={current.outgoingLinks} />
        </>
      ) : (
        !detailError && <p className="muted">Reading links…</p>
      )}

      {dialog === 'restore' && <RestoreDialog version={version} onClose={() => setDialog(null)} />}
      {dialog === 'rollback' && <RollbackDialog version={version} nextNumber={versions.length + 1} onClose={() => setDialog(null)} />}
      {dialog === 'compare' && <CompareDialog versions={versions} initial={version} onClose={() => setDialog(null)} />}
      {dialog === 'share' && <ShareDialog version={version} onClose={() => setDialog(null)} />}
      {dialog === 'placement' && <PlacementDialog version={version} onClose={() => setDialog(null)} />}
    </section>
  );
}
