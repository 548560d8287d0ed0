import type { HealthCheck } from '../../state/endpoints-store';

const checkLabels = { reach: 'Reachable', credentials: 'Credentials', bucket: 'Bucket', writable: 'Writable', clock: 'Clock' } as const;

/** Each check of "Test connection" with its plain message; failures first in the reader's eye. */
export function HealthCheckResult({ result }: { result: HealthCheck }) {
  return (
    <div className={result.ok ? 'checks checks-ok' : 'checks checks-failed'} data-testid="health-check">
      <p className="checks-summary" role={result.ok ? 'status' : 'alert'}>
        {result.ok ? 'Connection works.' : 'Connection failed.'}
      </p>
      <ul>
        {result.checks.map((check) => (
          <li key={check.name} className={check.ok ? 'check-ok' : 'check-failed'}>
            <span className="check-mark" aria-hidden="true">
              {check.ok ? '✓' : '✗'}
            </span>
            <strong>{checkLabels[check.name]}</strong>
            <span className="visually-hidden">{check.ok ? ' passed: ' : ' failed: '}</span> {check.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
