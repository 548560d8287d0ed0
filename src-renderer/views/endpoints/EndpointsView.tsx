import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useEndpointsStore, type EndpointView } from '../../state/endpoints-store';
import { EndpointCard } from './EndpointCard';
import { EndpointForm } from './EndpointForm';

type FormState = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; endpoint: EndpointView };

export function EndpointsView() {
  const { endpoints, loaded, error, load } = useEndpointsStore();
  const [form, setForm] = useState<FormState>({ mode: 'closed' });
  useEffect(() => void load(), [load]);

  return (
    <section className="view" aria-labelledby="endpoints-heading">
      <div className="view-header">
        <h1 id="endpoints-heading">Endpoints &amp; Backup</h1>
        <div className="spacer" />
        <button type="button" className="primary" onClick={() => setForm({ mode: 'add' })}>
          Add endpoint
        </button>
      </div>
      <ErrorNotice message={error} onRetry={() => void load()} />
      {loaded && endpoints.length === 0 && !error && (
        <div className="empty-state">
          <h2>No endpoints yet</h2>
          <p>
            An endpoint is an S3-compatible bucket (AWS S3, MinIO, Ceph, OpenStack Swift, …). With one, <strong>Back up now</strong> copies everything this device stores, and
            <strong> Verify</strong> checks the copy byte by byte.
          </p>
          <button type="button" className="primary" onClick={() => setForm({ mode: 'add' })}>
            Add your first endpoint
          </button>
        </div>
      )}
      <div className="cards">
        {endpoints.map((endpoint) => (
          <EndpointCard key={endpoint.name} endpoint={endpoint} onEdit={() => setForm({ mode: 'edit', endpoint })} />
        ))}
      </div>
      {form.mode !== 'closed' && <EndpointForm editing={form.mode === 'edit' ? form.endpoint : undefined} onClose={() => setForm({ mode: 'closed' })} />}
    </section>
  );
}
