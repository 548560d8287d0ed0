import { useStatusStore } from '../state/status-store';

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function StatusView() {
  const { status, error, logs, connection } = useStatusStore();
  return (
    <section className="view" aria-labelledby="status-heading">
      <h1 id="status-heading">Engine status</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {status ? (
        <dl className="facts" data-testid="engine-status">
          <dt>Version</dt>
          <dd data-testid="status-version">{status.version}</dd>
          <dt>Repository</dt>
          <dd data-testid="status-repository">{status.repositoryPath}</dd>
          <dt>Uptime</dt>
          <dd data-testid="status-uptime">{formatUptime(status.uptimeMs)}</dd>
          <dt>Host</dt>
          <dd>
            {status.host} (pid {status.pid}, Node {status.nodeVersion})
          </dd>
        </dl>
      ) : (
        !error && <p aria-live="polite">Connecting to the engine ({connection})…</p>
      )}
      <h2>Log</h2>
      <ol className="log" aria-label="Engine log" data-testid="engine-log">
        {logs.length === 0 && <li className="muted">No log lines yet.</li>}
        {logs.map((line, index) => (
          <li key={index} className={`log-${line.level}`}>
            <time dateTime={line.time}>{line.time.slice(11, 19)}</time> <span className="level">{line.level}</span>{' '}
            {line.area && <span className="area">[{line.area}]</span>} {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
