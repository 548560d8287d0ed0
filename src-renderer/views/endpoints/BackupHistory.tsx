import { useEffect } from 'react';
import { formatBytes, formatDateTime, formatDuration } from '../../format';
import { useEndpointsStore } from '../../state/endpoints-store';

/** The backups recorded in the catalogue for one endpoint (every device's), newest first. */
export function BackupHistory({ endpoint }: { endpoint: string }) {
  const jobs = useEndpointsStore((s) => s.history[endpoint]);
  const loadHistory = useEndpointsStore((s) => s.loadHistory);
  useEffect(() => void loadHistory(endpoint), [endpoint, loadHistory]);
  if (!jobs) return <p className="muted">Reading the history…</p>;
  if (jobs.length === 0) return <p className="muted">No backups to this endpoint yet.</p>;
  return (
    <table className="history">
      <caption className="visually-hidden">Backups to {endpoint}</caption>
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Result</th>
          <th scope="col">Uploaded</th>
          <th scope="col">Already there</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.jobId}>
            <td>{formatDateTime(Date.parse(job.startedAt))}</td>
            <td className={`result-${job.result}`} title={job.error}>
              {job.result}
              {job.error && <span className="muted"> · {job.error}</span>}
            </td>
            <td>
              {job.objectsUploaded} objects · {formatBytes(job.bytesUploaded)}
            </td>
            <td>{job.objectsAlreadyThere} objects</td>
            <td>{formatDuration(job.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
