import { useLiveQuery } from 'dexie-react-hooks';
import { useState, type FormEvent } from 'react';
import { linkKinds, type LinkKind } from '../../../src-shared/catalogue/records';
import type { LinkView } from '../../../src-shared/catalogue/views';
import { db } from '../../db/schema';
import { artifactActions, useArtifactStore } from '../../state/artifact-store';
import { useNavigationStore } from '../../state/navigation-store';

const kindLabels: Record<LinkKind, string> = {
  derived_from: 'derived from',
  trained_on: 'trained on',
  depends_on: 'depends on',
  supersedes: 'supersedes',
};

const nodeWidth = 190;
const nodeHeight = 30;
const rowGap = 12;
const columnGap = 120;

interface GraphProps {
  label: string;
  outgoing: LinkView[];
  incoming: LinkView[];
}

/**
 * This version in the middle; what it comes from (its outgoing links) on the left, what comes
 * from it (incoming links) on the right. Nodes open the other artifact.
 */
export function LineageGraph({ label, outgoing, incoming }: GraphProps) {
  const openArtifact = useNavigationStore((s) => s.openArtifact);
  const others = [...outgoing, ...incoming].map((l) => l.versionId);
  const known = useLiveQuery(() => db.versions.bulkGet(others), [others.join()]) ?? [];
  const artifactOf = new Map(known.filter((v) => v !== undefined).map((v) => [v.id, v.artifactId]));

  // Only the columns that have nodes: a version with sources only is two columns wide.
  const rows = Math.max(outgoing.length, incoming.length, 1);
  const height = rows * (nodeHeight + rowGap) + rowGap;
  const center = { x: outgoing.length > 0 ? nodeWidth + columnGap : 0, y: height / 2 - nodeHeight / 2 };
  const width = center.x + nodeWidth + (incoming.length > 0 ? columnGap + nodeWidth : 0);
  const yOf = (index: number, count: number) => (height - count * (nodeHeight + rowGap) + rowGap) / 2 + index * (nodeHeight + rowGap);

  const node = (link: LinkView, x: number, y: number) => {
    const artifactId = artifactOf.get(link.versionId);
    const text = link.reference ?? `unknown version ${link.versionId.slice(0, 8)}`;
    const open = () => artifactId && openArtifact(artifactId);
    return (
      <g
        key={`${link.kind}-${link.versionId}-${x}`}
        className={artifactId ? 'lineage-node lineage-node-link' : 'lineage-node'}
        transform={`translate(${x} ${y})`}
        role={artifactId ? 'link' : undefined}
        tabIndex={artifactId ? 0 : undefined}
        aria-label={artifactId ? `Open ${text}` : undefined}
        onClick={open}
        onKeyDown={(e) => e.key === 'Enter' && open()}
      >
        <title>{text}</title>
        <rect width={nodeWidth} height={nodeHeight} rx={6} />
        <text x={10} y={nodeHeight / 2 + 5}>
          {text.length > 26 ? `${text.slice(0, 25)}…` : text}
        </text>
      </g>
    );
  };

  if (outgoing.length === 0 && incoming.length === 0) {
    return <p className="muted">No lineage links. Link this version to what it was derived from, trained on or depends on.</p>;
  }

  return (
    <svg className="lineage" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="group" aria-label={`Lineage of ${label}`}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="lineage-arrow" />
        </marker>
      </defs>
      {outgoing.map((link, i) => {
        const y = yOf(i, outgoing.length) + nodeHeight / 2;
        return (
          <g key={`e-out-${i}`}>
            <path className="lineage-edge" d={`M${center.x},${center.y + nodeHeight / 2} C${center.x - columnGap / 2},${center.y + nodeHeight / 2} ${nodeWidth + columnGap / 2},${y} ${nodeWidth},${y}`} markerEnd="url(#arrow)" />
            <text className="lineage-kind" x={nodeWidth + 8} y={y - 6}>
              {kindLabels[link.kind]}
            </text>
          </g>
        );
      })}
      {incoming.map((link, i) => {
        const y = yOf(i, incoming.length) + nodeHeight / 2;
        const right = center.x + nodeWidth + columnGap;
        return (
          <g key={`e-in-${i}`}>
            <path className="lineage-edge" d={`M${right},${y} C${right - columnGap / 2},${y} ${center.x + nodeWidth + columnGap / 2},${center.y + nodeHeight / 2} ${center.x + nodeWidth},${center.y + nodeHeight / 2}`} markerEnd="url(#arrow)" />
            <text className="lineage-kind" x={right - 8} y={y - 6} textAnchor="end">
              {kindLabels[link.kind]}
            </text>
          </g>
        );
      })}
      <g className="lineage-node lineage-node-self" transform={`translate(${center.x} ${center.y})`}>
        <rect width={nodeWidth} height={nodeHeight} rx={6} />
        <text x={10} y={nodeHeight / 2 + 5}>
          {label.length > 26 ? `${label.slice(0, 25)}…` : label}
        </text>
      </g>
      {outgoing.map((link, i) => node(link, 0, yOf(i, outgoing.length)))}
      {incoming.map((link, i) => node(link, center.x + nodeWidth + columnGap, yOf(i, incoming.length)))}
    </svg>
  );
}

/** The links as a list (removable) and a form to add one. */
export function LineageEditor({ versionId, outgoing }: { versionId: string; outgoing: LinkView[] }) {
  const busy = useArtifactStore((s) => s.busy);
  const [kind, setKind] = useState<LinkKind>('derived_from');
  const [target, setTarget] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await artifactActions.link(versionId, kind, target.trim())) setTarget('');
  };
  return (
    <div className="lineage-editor">
      {outgoing.length > 0 && (
        <ul className="plain-list">
          {outgoing.map((link) => (
            <li key={`${link.kind}-${link.versionId}`}>
              {kindLabels[link.kind]} <code>{link.reference ?? link.versionId}</code>{' '}
              <button type="button" className="link-button" disabled={busy !== null} onClick={() => void artifactActions.link(versionId, link.kind, link.versionId, true)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="link-kind" className="visually-hidden">
          Link kind
        </label>
        <select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
          {linkKinds.map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
        <label htmlFor="link-target" className="visually-hidden">
          Other version
        </label>
        <input id="link-target" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="name@v2 or collection/name" spellCheck={false} />
        <button type="submit" disabled={busy !== null || target.trim() === ''}>
          Add link
        </button>
      </form>
    </div>
  );
}
