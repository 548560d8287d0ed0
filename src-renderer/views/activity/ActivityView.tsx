import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../format';
import { useActivityStore, type FeedEntry } from '../../state/activity-store';
import { AuditLog } from './AuditLog';

type LevelFilter = 'all' | 'warn' | 'error';

function LiveFeed() {
  const feed = useActivityStore((s) => s.feed);
  const [level, setLevel] = useState<LevelFilter>('all');
  const shown = feed.filter((e: FeedEntry) => level === 'all' || e.level === 'error' || (level === 'warn' && e.level === 'warn')).slice(-300).reverse();
  return (
    <section className="panel" aria-labelledby="feed-heading">
      <div className="panel-header">
        <h2 id="feed-heading">Live</h2>
        <label className="inline-label">
          Show
          <select value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            <option value="all">everything</option>
            <option value="warn">warnings and errors</option>
            <option value="error">errors only</option>
          </select>
        </label>
      </div>
      <ol className="log" aria-label="Live engine events, newest first" data-testid="live-feed">
        {shown.length === 0 && <li className="muted">Nothing has happened since this window opened. Backups, restores, changes to the catalogue and engine messages appear here as they happen.</li>}
        {shown.map((entry) => (
          <li key={entry.key} className={`log-${entry.level}`}>
            <time dateTime={new Date(entry.time).toISOString()} title={formatDateTime(entry.time)}>
              {new Date(entry.time).toLocaleTimeString()}
            </time>{' '}
            <span className="level">{entry.level === 'info' ? entry.source : entry.level}</span> {entry.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ActivityView() {
  const { auditLoaded, auditError, loadAudit } = useActivityStore();
  useEffect(() => void loadAudit(), [loadAudit]);
  return (
    <section className="view" aria-labelledby="activity-heading">
      <div className="view-header">
        <h1 id="activity-heading">Activity</h1>
      </div>
      <LiveFeed />
      <section className="panel" aria-labelledby="audit-heading">
        <div className="panel-header">
          <h2 id="audit-heading">Audit log</h2>
          <button type="button" onClick={() => void loadAudit()}>
            Refresh
          </button>
        </div>
        <ErrorNotice message={auditError} onRetry={() => void loadAudit()} />
        {auditLoaded ? <AuditLog /> : <p className="muted">Reading the audit log…</p>}
      </section>
    </section>
  );
}
