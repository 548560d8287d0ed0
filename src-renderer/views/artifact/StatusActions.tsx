import { useState } from 'react';
import { legalTransitions, type VersionStatus } from '../../../src-shared/catalogue/lifecycle';
import type { ValidatorResult } from '../../../src-shared/catalogue/views';
import type { VersionRow } from '../../db/schema';
import { formatDuration } from '../../format';
import { artifactActions, useArtifactStore } from '../../state/artifact-store';

const actionLabels: Partial<Record<VersionStatus, string>> = {
  published: 'Publish',
  blocked: 'Block',
  archived: 'Archive',
  draft: 'Back to draft',
};

/** The lifecycle moves the engine accepts from this status, and the last validator result. */
export function StatusActions({ version, lastValidation }: { version: VersionRow; lastValidation: ValidatorResult | null }) {
  const busy = useArtifactStore((s) => s.busy);
  const [reason, setReason] = useState('');
  const moves = legalTransitions[version.status];
  const reasonArg = reason.trim() || undefined;
  return (
    <div className="status-actions">
      <h3>Status</h3>
      {moves.length === 0 ? (
        <p className="muted">Archived is final. To bring this content back, roll back to it: that makes a new version.</p>
      ) : (
        <>
          <div className="actions">
            {moves.includes('on_verification') && (
              <button type="button" className="primary" disabled={busy !== null} onClick={() => void artifactActions.verify(version.id)}>
                {version.status === 'blocked' ? 'Verify again' : 'Submit for verification'}
              </button>
            )}
            {moves
              .filter((to) => to !== 'on_verification')
              .map((to) => (
                <button key={to} type="button" disabled={busy !== null} onClick={() => void artifactActions.setStatus(version.id, to, reasonArg)}>
                  {actionLabels[to]}
                </button>
              ))}
          </div>
          <div className="field field-inline">
            <label htmlFor="status-reason">Reason (optional, kept in the audit log)</label>
            <input id="status-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
        </>
      )}
      {lastValidation && <ValidationResult result={lastValidation} />}
    </div>
  );
}

/** A validator is a command line or a URL; long scripts are cut (the full text is the title). */
export function shortValidator(validator: string): string {
  return validator.length > 90 ? `${validator.slice(0, 89)}…` : validator;
}

function ValidationResult({ result }: { result: ValidatorResult }) {
  const how = result.exitCode !== null ? `exit code ${result.exitCode}` : result.httpStatus !== null ? `HTTP ${result.httpStatus}` : '';
  return (
    <div className={result.pass ? 'validation validation-pass' : 'validation validation-fail'} data-testid="validation">
      <p>
        <strong>{result.pass ? 'Passed' : 'Failed'}</strong>
        {how && ` · ${how}`} · {formatDuration(result.durationMs)}
        {result.timedOut && ' · timed out'}
      </p>
      <p className="validator-name" title={result.validator}>
        {shortValidator(result.validator)}
      </p>
      {result.outputExcerpt && <pre className="output">{result.outputExcerpt}</pre>}
    </div>
  );
}
