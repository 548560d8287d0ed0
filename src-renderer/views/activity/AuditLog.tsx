import { useLiveQuery } from 'dexie-react-hooks';
import type { EventView } from '../../../src-shared/catalogue/views';
import { db } from '../../db/schema';
import { formatBytes, formatDateTime } from '../../format';
import { useActivityStore } from '../../state/activity-store';
import { useNavigationStore } from '../../state/navigation-store';

/** Labels for the kinds known when this was written; a newer kind shows its own name. */
const kindLabels: Partial<Record<EventView['kind'], string>> = {
  created: 'New version',
  status_changed: 'Status changed',
  rolled_back: 'Rolled back',
  tagged: 'Tags changed',
  metadata_changed: 'Details changed',
  linked: 'Lineage changed',
  deleted: 'Deleted',
  restored: 'Restored',
  backup_run: 'Backup',
  validator_ran: 'Validator ran',
  shared: 'Share link made',
  share_revoked: 'Share link revoked',
};

const failedKinds = new Set(['failed', 'cancelled']);

/** What an event says, in a few words, from its details. */
function summary(event: EventView): string {
  const d = event.details as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
  const short = (v: unknown, max = 70) => {
    const t = text(v);
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
  };
  switch (event.kind) {
    case 'created':
      return [typeof d.size === 'number' ? formatBytes(d.size) : '', d.message ? `“${short(d.message)}”` : '', d.restoredFrom ? 'a rollback' : ''].filter(Boolean).join(' · ');
    case 'linked':
      return `${text(d.kind).replace(/_/g, ' ')} ${short(d.to, 12)}${d.removed === true ? ' (removed)' : ''}`;
    case 'status_changed':
      return `${text(d.from)} → ${text(d.to)}${d.reason ? ` (${text(d.reason)})` : ''}`;
    case 'backup_run':
      return `${text(d.endpoint)}: ${text(d.result)}${typeof d.bytesUploaded === 'number' ? `, ${formatBytes(d.bytesUploaded)} uploaded` : ''}${d.error ? ` — ${text(d.error)}` : ''}`;
    case 'validator_ran':
      return `${d.pass ? 'passed' : 'failed'}: ${short(d.validator)}`;
    case 'restored':
      return d.target ? `to ${text(d.target)}` : '';
    default: {
      const keys = Object.keys(d).filter((k) => !['treeId', 'sha256', 'parentVersionId'].includes(k) && text(d[k]) !== '');
      return keys
        .slice(0, 3)
        .map((k) => `${k}: ${short(d[k], 40)}`)
        .join(' · ');
    }
  }
}

function isFailure(event: EventView): boolean {
  const d = event.details as Record<string, unknown>;
  return (event.kind === 'backup_run' && failedKinds.has(String(d.result))) || (event.kind === 'validator_ran' && d.pass === false);
}

export function AuditLog() {
  const { audit, auditCursor, loadAudit } = useActivityStore();
  const openArtifact = useNavigationStore((s) => s.openArtifact);
  const ids = [...new Set(audit.map((e) => e.artifactId).filter((id): id is string => id !== null))];
  const names = useLiveQuery(async () => new Map((await db.artifacts.bulkGet(ids)).filter((a) => a !== undefined).map((a) => [a.id, a.name])), [ids.join()]);
  if (audit.length === 0) return <p className="muted">The audit log is empty: changes to the catalogue and backups are recorded here.</p>;
  return (
    <>
      <table className="audit" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Artifact</th>
            <th scope="col">Details</th>
            <th scope="col">Device</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((event) => (
            <tr key={event.id} className={isFailure(event) ? 'audit-failed' : undefined}>
              <td>{formatDateTime(event.at)}</td>
              <td>{kindLabels[event.kind] ?? event.kind.replace(/_/g, ' ')}</td>
              <td>
                {event.artifactId &&
                  (names?.get(event.artifactId) ? (
                    <button type="button" className="link-button" onClick={() => openArtifact(event.artifactId as string)}>
                      {names.get(event.artifactId)}
                    </button>
                  ) : (
                    <span className="muted">{event.artifactId.slice(0, 8)}</span>
                  ))}
              </td>
              <td className="audit-details">{summary(event)}</td>
              <td className="muted" title={event.device}>
                {event.device.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {auditCursor && (
        <button type="button" onClick={() => void loadAudit(true)}>
          Load older events
        </button>
      )}
    </>
  );
}
