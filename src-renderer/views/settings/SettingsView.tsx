import { useState } from 'react';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { formatCount, formatDateTime } from '../../format';
import { rebuildLocalCopy } from '../../replica/manifest-replica';
import { notify } from '../../state/notices-store';
import { useReplicaStore } from '../../state/replica-store';
import { useSettingsStore } from '../../state/settings-store';
import { useStatusStore } from '../../state/status-store';
import { useThemeStore, type ThemePreference } from '../../state/theme-store';
import { EngineStatus } from './EngineStatus';

const themes: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function DeviceSettings() {
  const repository = useStatusStore((s) => s.status?.repository);
  return (
    <section className="panel" aria-labelledby="device-heading">
      <h2 id="device-heading">This device</h2>
      {repository ? (
        <dl className="facts">
          <dt>Device name</dt>
          <dd data-testid="device-name">{repository.deviceName}</dd>
          <dt>Device id</dt>
          <dd>
            <code>{repository.deviceId}</code>
          </dd>
          <dt>Repository</dt>
          <dd data-testid="repository-location">{repository.location}</dd>
          <dt>Repository id</dt>
          <dd>
            <code>{repository.id}</code>
          </dd>
          <dt>Encryption</dt>
          <dd>{repository.encrypted ? 'Encrypted with a passphrase' : 'Not encrypted'}</dd>
        </dl>
      ) : (
        <p className="muted">No repository is open yet.</p>
      )}
    </section>
  );
}

function AppearanceSettings() {
  const { preference, setPreference } = useThemeStore();
  const { notifications, notificationPermission, setNotifications } = useSettingsStore();
  return (
    <section className="panel" aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance and notifications</h2>
      <fieldset className="radio-group">
        <legend>Theme</legend>
        {themes.map((theme) => (
          <label key={theme.value} className="checkbox">
            <input type="radio" name="theme" value={theme.value} checked={preference === theme.value} onChange={() => setPreference(theme.value)} />
            {theme.label}
          </label>
        ))}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={notifications} disabled={notificationPermission === 'unsupported'} onChange={(e) => void setNotifications(e.target.checked)} />
        Notify me when a backup finishes or fails
      </label>
      {notifications && notificationPermission === 'denied' && <p className="hint">The system blocks notifications for Cairn; results still appear in the window.</p>}
      {notificationPermission === 'unsupported' && <p className="hint">This window cannot show system notifications; results appear in the window.</p>}
    </section>
  );
}

function LocalCopySettings() {
  const replica = useReplicaStore();
  const [confirming, setConfirming] = useState(false);
  const rebuild = () =>
    rebuildLocalCopy().catch((err: unknown) => {
      notify('error', `The local copy could not be dropped: ${describeError(err)}`);
    });
  return (
    <section className="panel" aria-labelledby="local-copy-heading">
      <h2 id="local-copy-heading">Local copy of the catalogue</h2>
      <p>
        This window keeps its own copy of the catalogue so the Library opens at once and works offline. It is derived from the engine&apos;s manifest: rebuilding it loses nothing.
      </p>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="replica-phase">{replica.phase}</dd>
        <dt>Kept up to date</dt>
        <dd>{replica.runsIn === 'worker' ? 'in a background worker' : replica.runsIn === 'window' ? 'in this window (no worker available)' : '—'}</dd>
        <dt>Holds</dt>
        <dd>
          {formatCount(replica.artifacts)} artifacts, {formatCount(replica.versions)} versions
        </dd>
        {replica.lastSyncAt && (
          <>
            <dt>Last caught up</dt>
            <dd>{formatDateTime(replica.lastSyncAt)}</dd>
          </>
        )}
        {replica.malformedRecords > 0 && (
          <>
            <dt>Unreadable records</dt>
            <dd>{replica.malformedRecords} (written by a newer or broken Cairn; skipped)</dd>
          </>
        )}
      </dl>
      {replica.error && (
        <p role="alert" className="error">
          {replica.error}
        </p>
      )}
      <button type="button" onClick={() => setConfirming(true)}>
        Rebuild local copy
      </button>
      {confirming && (
        <Dialog title="Rebuild the local copy?" onClose={() => setConfirming(false)}>
          <p>The window reloads and fetches the whole catalogue from the engine again. Nothing in the repository changes.</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void rebuild()}>
              Rebuild
            </button>
            <button type="button" onClick={() => setConfirming(false)} autoFocus>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

export function SettingsView() {
  return (
    <section className="view" aria-labelledby="settings-heading">
      <div className="view-header">
        <h1 id="settings-heading">Settings</h1>
      </div>
      <div className="cards cards-2">
        <DeviceSettings />
        <AppearanceSettings />
        <LocalCopySettings />
        <EngineStatus />
      </div>
    </section>
  );
}
