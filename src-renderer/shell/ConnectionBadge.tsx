import { transportKind } from '../api/client';
import { useReplicaStore } from '../state/replica-store';
import { useStatusStore } from '../state/status-store';

const replicaWords = { idle: '', loading: 'loading local copy', syncing: 'syncing', ready: '', 'no-repository': 'no repository', error: 'local copy failed' } as const;

export function ConnectionBadge() {
  const connection = useStatusStore((s) => s.connection);
  const phase = useReplicaStore((s) => s.phase);
  const extra = connection === 'open' ? replicaWords[phase] : '';
  return (
    <span className={`connection connection-${connection}`} aria-live="polite" data-testid="connection">
      {transportKind === 'ipc' ? 'desktop' : 'browser'} · {connection}
      {extra && <span className="muted"> · {extra}</span>}
    </span>
  );
}
