import { useEffect, useState, type FormEvent } from 'react';
import type { CommandOutput } from '../../../src-shared/contract';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { VersionRow } from '../../db/schema';
import { formatDateTime } from '../../format';
import { useEndpointsStore } from '../../state/endpoints-store';
import { notify } from '../../state/notices-store';

type ShareLink = CommandOutput<'share.list'>['links'][number];
type Created = CommandOutput<'share.create'>;

const expiries = [
  { seconds: 60 * 60, label: '1 hour' },
  { seconds: 24 * 60 * 60, label: '1 day' },
  { seconds: 3 * 24 * 60 * 60, label: '3 days' },
  { seconds: 7 * 24 * 60 * 60, label: '7 days (the longest a signed link can live)' },
];

/**
 * A download link for a published single-file version: the engine exports the file to an
 * endpoint and signs a URL that expires. Earlier links of this version can be revoked here.
 */
export function ShareDialog({ version, onClose }: { version: VersionRow; onClose: () => void }) {
  const { endpoints, loaded, load } = useEndpointsStore();
  const [expiresIn, setExpiresIn] = useState(24 * 60 * 60);
  const [endpoint, setEndpoint] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadLinks = () =>
    api['share.list']({ version: version.id }).then(
      ({ links }) => setLinks(links),
      (err: unknown) => setError(`Earlier links could not be listed: ${describeError(err)}`),
    );
  // Once, when the dialog opens.
  useEffect(() => {
    if (!loaded) void load();
    void loadLinks();
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await api['share.create']({ version: version.id, expiresInSeconds: expiresIn, ...(endpoint ? { endpoint } : {}) }));
      void loadLinks();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (link: ShareLink) => {
    try {
      await api['share.revoke']({ version: version.id, endpoint: link.endpoint });
      notify('success', `The link on ${link.endpoint} no longer works.`);
      if (created?.endpoint === link.endpoint) setCreated(null);
      void loadLinks();
    } catch (err) {
      setError(`Could not revoke: ${describeError(err)}`);
    }
  };

  const published = version.status === 'published';
  return (
    <Dialog title={`Share ${version.name} v${version.number}`} onClose={onClose} wide>
      {!published && (
        <p className="hint" role="note">
          Only published versions can be shared; this one is {version.status.replace('_', ' ')}. Publish it first (Status → Submit for verification).
        </p>
      )}
      <form className="form" onSubmit={(e) => void create(e)}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="share-expiry">Link expires after</label>
            <select id="share-expiry" value={expiresIn} onChange={(e) => setExpiresIn(Number(e.target.value))}>
              {expiries.map((x) => (
                <option key={x.seconds} value={x.seconds}>
                  {x.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="share-endpoint">Endpoint</label>
            <select id="share-endpoint" value={endpoint} onChange={(e) => setEndpoint(e.target.value)}>
              <option value="">Chosen by the engine</option>
              {endpoints.map((e) => (
                <option key={e.name}>{e.name}</option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !published}>
            {busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
      </form>
      <ErrorNotice message={error} />
      {created && (
        <div className="share-result" data-testid="share-link">
          <label htmlFor="share-url">Link (anyone with it can download until {formatDateTime(Date.parse(created.expiresAt))})</label>
          <div className="field-row">
            <input id="share-url" readOnly value={created.url} onFocus={(e) => e.target.select()} />
            <CopyButton text={created.url} label="Copy link" what="The link" />
          </div>
        </div>
      )}
      <h3>Links of this version</h3>
      {links === null ? (
        <p className="muted">Reading…</p>
      ) : links.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="plain-list">
          {links.map((link) => (
            <li key={`${link.endpoint}-${link.createdAt}`}>
              {link.endpoint} · created {formatDateTime(Date.parse(link.createdAt))} · {link.state === 'active' ? `expires ${formatDateTime(Date.parse(link.expiresAt))}` : link.state}{' '}
              {link.state === 'active' && (
                <button type="button" className="link-button" onClick={() => void revoke(link)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
