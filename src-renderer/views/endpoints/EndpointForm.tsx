import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useEndpointsStore, type EndpointView } from '../../state/endpoints-store';

const megabyte = 1_000_000;

interface EndpointFormProps {
  /** The endpoint to edit; absent to add a new one. */
  editing?: EndpointView;
  onClose: () => void;
}

/**
 * Adds or replaces an endpoint. Secrets never come back from the engine, so editing asks for
 * them again; they go to the engine once and are stored on this device only.
 */
export function EndpointForm({ editing, onClose }: EndpointFormProps) {
  const save = useEndpointsStore((s) => s.save);
  const test = useEndpointsStore((s) => s.test);
  const [fields, setFields] = useState({
    name: editing?.name ?? '',
    url: editing?.url ?? '',
    region: editing?.region ?? 'us-east-1',
    bucket: editing?.bucket ?? '',
    prefix: editing?.prefix ?? '',
    accessKeyId: '',
    secretAccessKey: '',
    role: editing?.role ?? ('backup' as 'backup' | 'sync'),
    storageClass: editing?.storageClass ?? '',
    limitMBps: editing && editing.bandwidthLimit > 0 ? String(editing.bandwidthLimit / megabyte) : '',
  });
  const [mirror, setMirror] = useState(editing?.mirror ?? false);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (key: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const limit = fields.limitMBps.trim() === '' ? 0 : Number(fields.limitMBps);
    if (!Number.isFinite(limit) || limit < 0) {
      setError('The bandwidth limit must be a number of MB per second (0 or empty for no limit).');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await save({
        name: fields.name.trim(),
        url: fields.url.trim(),
        region: fields.region.trim() || 'us-east-1',
        bucket: fields.bucket.trim(),
        prefix: fields.prefix.trim(),
        accessKeyId: fields.accessKeyId.trim(),
        secretAccessKey: fields.secretAccessKey,
        role: fields.role,
        ...(fields.storageClass.trim() ? { storageClass: fields.storageClass.trim() } : {}),
        bandwidthLimit: Math.round(limit * megabyte),
        mirror,
      });
      onClose();
      // A new endpoint is only useful once it answers: check it straight away.
      void test(fields.name.trim());
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const text = (key: keyof typeof fields, label: string, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`endpoint-${key}`}>{label}</label>
      <input id={`endpoint-${key}`} value={fields[key]} onChange={set(key)} spellCheck={false} autoComplete="off" {...props} />
    </div>
  );

  return (
    <Dialog title={editing ? `Edit endpoint ${editing.name}` : 'Add an endpoint'} onClose={onClose} wide>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="form-grid">
          {text('name', 'Name', { required: true, readOnly: Boolean(editing), placeholder: 'offsite', maxLength: 64 })}
          {text('url', 'Endpoint URL', { required: true, type: 'url', placeholder: 'https://s3.eu-central-1.amazonaws.com' })}
          {text('bucket', 'Bucket', { required: true, minLength: 3, maxLength: 63 })}
          {text('prefix', 'Prefix inside the bucket', { placeholder: 'cairn/ (optional)' })}
          {text('region', 'Region')}
          {text('storageClass', 'Storage class', { placeholder: 'STANDARD (optional)' })}
          {text('accessKeyId', 'Access key ID', { required: true })}
          {text('secretAccessKey', 'Secret access key', { required: true, type: 'password' })}
          <div className="field">
            <label htmlFor="endpoint-role">Role</label>
            <select id="endpoint-role" value={fields.role} onChange={set('role')}>
              <option value="backup">Backup: one-click copies of everything</option>
              <option value="sync">Sync: share the catalogue with other devices</option>
            </select>
          </div>
          {text('limitMBps', 'Bandwidth limit (MB/s)', { inputMode: 'decimal', placeholder: 'no limit' })}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={mirror} onChange={(e) => setMirror(e.target.checked)} />
          Mirror continuously: copy each new version as soon as it is stored, not only on “Back up now”
        </label>
        {editing && <p className="hint">The access key and secret are never shown again after saving; enter them to save changes.</p>}
        <ErrorNotice message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : editing ? 'Save endpoint' : 'Add endpoint'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
