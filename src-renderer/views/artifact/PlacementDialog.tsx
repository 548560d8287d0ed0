import { useEffect, useState } from 'react';
import type { CommandOutput } from '../../../src-shared/contract';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { VersionRow } from '../../db/schema';
import { formatDateTime } from '../../format';

type Placement = CommandOutput<'placement.version'>;

/** Which endpoints hold a version (per this device's inventory of them), and when it was checked. */
export function PlacementDialog({ version, onClose }: { version: VersionRow; onClose: () => void }) {
  const [placement, setPlacement] = useState<Placement | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api['placement.version']({ version: version.id }).then(setPlacement, (err: unknown) => setError(describeError(err)));
  }, [version.id]);
  return (
    <Dialog title={`Where ${version.name} v${version.number} is stored`} onClose={onClose}>
      <ErrorNotice message={error} />
      <ul className="plain-list placement" data-testid="placement">
        <li>
          <span className="check-mark check-ok" aria-hidden="true">
            ✓
          </span>
          This device&apos;s repository {version.deleted && '(marked deleted: removed by the next garbage collection)'}
        </li>
        {placement?.endpoints.map((e) => (
          <li key={e.endpoint} className={e.present ? undefined : 'check-failed'}>
            <span className="check-mark" aria-hidden="true">
              {e.present ? '✓' : '✗'}
            </span>
            <strong>{e.endpoint}</strong>{' '}
            {e.present
              ? e.verifiedAt
                ? `holds it; verified ${formatDateTime(Date.parse(e.verifiedAt))}`
                : 'holds it; not verified since it was uploaded (run Verify on the endpoint)'
              : `lacks ${e.missingObjects} object${e.missingObjects === 1 ? '' : 's'} of it (back up to this endpoint)`}
          </li>
        ))}
      </ul>
      {placement && placement.endpoints.length === 0 && <p className="muted">No endpoint is configured on this device, so this device&apos;s repository is the only copy.</p>}
      {!placement && !error && <p className="muted">Reading the endpoints&apos; inventories…</p>}
    </Dialog>
  );
}
