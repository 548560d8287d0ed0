import { formatDuration } from '../../format';
import { useStatusStore } from '../../state/status-store';

/** The running engine: version, repository, uptime, host. */
export function EngineStatus() {
  const { status, error, connection } = useStatusStore();
  return (
    <section className="panel" aria-labelledby="status-heading">
      <h2 id="status-heading">Engine status</h2>
      {status ? (
        <dl className="facts" data-testid="engine-status">
          <dt>Version</dt>
          <dd data-testid="status-version">{status.version}</dd>
          <dt>Repository</dt>
          <dd data-testid="status-repository">{status.repositoryPath}</dd>
          <dt>Uptime</dt>
          <dd data-testid="status-uptime">{formatDuration(status.uptimeMs)}</dd>
          <dt>Host</dt>
          <dd>
            {status.host} (pid {status.pid}, Node {status.nodeVersion})
          </dd>
        </dl>
      ) : (
        <p aria-live="polite">{error ? 'Not connected (see above).' : `Connecting to the engine (${connection})…`}</p>
      )}
    </section>
  );
}
