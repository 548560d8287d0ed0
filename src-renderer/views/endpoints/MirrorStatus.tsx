import { useEffect, useState } from 'react';
import type { CommandOutput } from '../../../src-shared/contract';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { formatBytes, formatDateTime } from '../../format';

type Mirror = CommandOutput<'mirror.status'>['endpoints'][number];

const refreshMs = 10_000;

/** For a mirrored endpoint: what still waits to be copied, and the last error. */
export function MirrorStatus({ endpoint }: { endpoint: string }) {
  const [status, setStatus] = useState<Mirror | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const read = () =>
      api['mirror.status']({ endpoint }).then(
        ({ endpoints }) => {
          setStatus(endpoints[0] ?? null);
          setError(null);
        },
        (err: unknown) => setError(describeError(err)),
      );
    void read();
    const timer = setInterval(() => void read(), refreshMs);
    return () => clearInterval(timer);
  }, [endpoint]);
  if (error) return <p className="error">Mirror status unavailable: {error}</p>;
  if (!status) return null;
  return (
    <p className={status.lastError ? 'error' : 'muted'} data-testid="mirror-status">
      Mirror: {status.pendingObjects === 0 ? 'up to date' : `${status.pendingObjects} objects (${formatBytes(status.pendingBytes)}) waiting`}
      {status.lastCopiedAt && ` · last copy ${formatDateTime(Date.parse(status.lastCopiedAt))}`}
      {status.lastError && ` · last error: ${status.lastError}`}
      {status.retryAt && ` · retrying ${formatDateTime(Date.parse(status.retryAt))}`}
    </p>
  );
}
