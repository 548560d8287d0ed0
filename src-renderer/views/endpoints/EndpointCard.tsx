import { useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatBytes, formatDuration } from '../../format';
import { cancelledText, useEndpointsStore, type EndpointView, type VerifyReport } from '../../state/endpoints-store';
import { BackupHistory } from './BackupHistory';
import { RunProgress } from './BackupProgress';
import { HealthCheckResult } from './HealthCheckResult';
import { MirrorStatus } from './MirrorStatus';

function VerifyResult({ report }: { report: VerifyReport }) {
  return (
    <div className={report.ok ? 'checks checks-ok' : 'checks checks-failed'} data-testid="verify-result">
      <p className="checks-summary" role={report.ok ? 'status' : 'alert'}>
        {report.ok ? 'Verified: ' : 'Problems found: '}
        {report.packsChecked} of {report.packsTotal} packs and {report.objectsChecked} objects read ({formatBytes(report.bytesRead)}).
      </p>
      {report.problems.length > 0 && (
        <ul>
          {report.problems.map((problem) => (
            <li key={problem.key} className={problem.repairedFrom ? 'check-ok' : 'check-failed'}>
              <code>{problem.key}</code> {problem.kind}: {problem.message}
              {problem.repairedFrom ? ` Repaired from ${problem.repairedFrom}.` : ' Not repaired.'}
              {problem.affects.length > 0 && ` Versions that need it: ${problem.affects.map((a) => a.reference).join(', ')}.`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One endpoint: what it is, its checks, and one-click backup with progress and history. */
export function EndpointCard({ endpoint, onEdit }: { endpoint: EndpointView; onEdit: () => void }) {
  const { tests, backups, verifies, test, backup, verify, remove } = useEndpointsStore();
  const [showHistory, setShowHistory] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const testRun = tests[endpoint.name];
  const backupRun = backups[endpoint.name];
  const verifyRun = verifies[endpoint.name];
  const fromSettings = endpoint.source === 'settings';
  const headingId = `endpoint-${endpoint.name}-heading`;

  return (
    <article className="panel endpoint" aria-labelledby={headingId} data-testid={`endpoint-${endpoint.name}`}>
      <div className="panel-header">
        <h2 id={headingId}>{endpoint.name}</h2>
        <span className="pill">{endpoint.role}</span>
        {endpoint.mirror && <span className="pill">mirrored continuously</span>}
        {!fromSettings && <span className="pill">from environment variables</span>}
      </div>
      <dl className="facts">
        <dt>URL</dt>
        <dd>{endpoint.url}</dd>
        <dt>Bucket</dt>
        <dd>
          {endpoint.bucket}
          {endpoint.prefix && ` / ${endpoint.prefix}`}
        </dd>
        <dt>Region</dt>
        <dd>{endpoint.region}</dd>
        <dt>Bandwidth</dt>
        <dd>{endpoint.bandwidthLimit > 0 ? `${formatBytes(endpoint.bandwidthLimit)}/s at most` : 'no limit'}</dd>
        {endpoint.storageClass && (
          <>
            <dt>Storage class</dt>
            <dd>{endpoint.storageClass}</dd>
          </>
        )}
      </dl>

      {endpoint.mirror && <MirrorStatus endpoint={endpoint.name} />}

      <div className="actions">
        <button type="button" className="primary" disabled={backupRun?.running} onClick={() => void backup(endpoint.name)}>
          {backupRun?.running ? 'Backing up…' : 'Back up now'}
        </button>
        <button type="button" disabled={testRun?.running} onClick={() => void test(endpoint.name)}>
          {testRun?.running ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" disabled={verifyRun?.running} onClick={() => void verify(endpoint.name)}>
          {verifyRun?.running ? 'Verifying…' : 'Verify'}
        </button>
        <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)}>
          {showHistory ? 'Hide history' : 'History'}
        </button>
        {fromSettings && (
          <>
            <button type="button" onClick={onEdit}>
              Edit
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setRemoveError(null);
                remove(endpoint.name).catch((err: unknown) => setRemoveError(`Could not remove: ${err instanceof Error ? err.message : String(err)}`));
              }}
            >
              Remove
            </button>
          </>
        )}
      </div>
      <ErrorNotice message={removeError} />

      {testRun?.result && <HealthCheckResult result={testRun.result} />}
      {testRun?.error && <ErrorNotice message={`Test connection failed: ${testRun.error}`} />}

      {backupRun?.running && <RunProgress run={backupRun} label="Backup" />}
      {backupRun?.result && !backupRun.running && (
        <p className="result-ok" role="status" data-testid="backup-result">
          Last backup: {backupRun.result.objectsUploaded} objects ({formatBytes(backupRun.result.bytesUploaded)}) uploaded, {backupRun.result.objectsAlreadyThere} already there, in{' '}
          {formatDuration(backupRun.result.durationMs)}.
        </p>
      )}
      {backupRun?.error && !backupRun.running && backupRun.error !== cancelledText && <ErrorNotice message={`Backup failed: ${backupRun.error}`} />}
      {backupRun?.error === cancelledText && !backupRun.running && (
        <p role="status" className="muted">
          Backup cancelled. What was uploaded stays; the next backup continues from there.
        </p>
      )}

      {verifyRun?.running && <RunProgress run={verifyRun} label="Verify" />}
      {verifyRun?.result && !verifyRun.running && <VerifyResult report={verifyRun.result} />}
      {verifyRun?.error && !verifyRun.running && <ErrorNotice message={`Verify failed: ${verifyRun.error}`} />}

      {showHistory && (
        <section aria-label={`Backup history of ${endpoint.name}`}>
          <h3>Backup history</h3>
          <BackupHistory endpoint={endpoint.name} />
        </section>
      )}
    </article>
  );
}
