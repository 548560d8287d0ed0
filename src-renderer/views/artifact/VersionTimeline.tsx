import { useRef } from 'react';
import { StatusBadge } from '../../components/StatusBadge';
import { listKeyDown } from '../../components/use-list-keyboard';
import type { VersionRow } from '../../db/schema';
import { formatBytes, formatDateTime, formatRelative } from '../../format';
import { useStatusStore } from '../../state/status-store';

interface VersionTimelineProps {
  /** Oldest first, as the replica stores them; shown newest first. */
  versions: VersionRow[];
  selectedId: string | null;
  onSelect: (versionId: string) => void;
}

/** Every version, newest on top: a listbox, so arrow keys walk through history. */
export function VersionTimeline({ versions, selectedId, onSelect }: VersionTimelineProps) {
  const thisDevice = useStatusStore((s) => s.status?.repository?.deviceId);
  const newestFirst = [...versions].reverse();
  const numberOf = new Map(versions.map((v) => [v.id, v.number]));
  const active = Math.max(0, newestFirst.findIndex((v) => v.id === selectedId));
  const list = useRef<HTMLOListElement>(null);

  const select = (index: number) => {
    const version = newestFirst[index];
    if (!version) return;
    onSelect(version.id);
    list.current?.querySelector(`#timeline-${version.id}`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <ol
      ref={list}
      className="timeline"
      role="listbox"
      aria-label="Versions, newest first"
      tabIndex={0}
      aria-activedescendant={newestFirst[active] ? `timeline-${newestFirst[active].id}` : undefined}
      onKeyDown={listKeyDown({ count: newestFirst.length, active, setActive: select })}
      data-testid="timeline"
    >
      {newestFirst.map((version, index) => {
        const restoredFrom = version.restoredFrom ? numberOf.get(version.restoredFrom) : undefined;
        return (
          <li
            key={version.id}
            id={`timeline-${version.id}`}
            role="option"
            aria-selected={version.id === selectedId}
            className={`timeline-item${version.id === selectedId ? ' timeline-item-selected' : ''}${version.deleted ? ' timeline-item-deleted' : ''}`}
            onClick={() => select(index)}
          >
            <div className="timeline-line1">
              <strong className="version-number">v{version.number}</strong>
              <StatusBadge status={version.status} />
              {version.isHead && <span className="pill">current</span>}
              {version.deleted && <span className="pill pill-warn">deleted</span>}
              <span className="spacer" />
              <time dateTime={new Date(version.createdAt).toISOString()} title={formatDateTime(version.createdAt)}>
                {formatRelative(version.createdAt)}
              </time>
            </div>
            <div className="timeline-line2 muted">
              <span>{formatBytes(version.size)}</span>
              <span title={version.deviceId}>{version.deviceId === thisDevice ? 'this device' : `device ${version.deviceId.slice(0, 8)}`}</span>
              {version.restoredFrom && <span>restored from {restoredFrom ? `v${restoredFrom}` : 'an older version'}</span>}
            </div>
            {version.message && <div className="timeline-message">{version.message}</div>}
          </li>
        );
      })}
    </ol>
  );
}
