import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import type { VersionRow } from '../../db/schema';
import { formatBytes, formatDateTime, shortDigest, statusLabels } from '../../format';

function sizeChange(a: VersionRow, b: VersionRow): string {
  const delta = b.size - a.size;
  if (delta === 0) return 'same size';
  return `${delta > 0 ? '+' : '−'}${formatBytes(Math.abs(delta))}`;
}

/**
 * Two versions side by side with what the catalogue knows about them. Content (a line diff, an
 * image, chunk reuse) needs the engine to serve a version's bytes, which the contract cannot yet.
 */
export function CompareDialog({ versions, initial, onClose }: { versions: VersionRow[]; initial: VersionRow; onClose: () => void }) {
  const previous = versions.find((v) => v.number === initial.number - 1) ?? versions.find((v) => v.id !== initial.id) ?? initial;
  const [aId, setAId] = useState(previous.id);
  const [bId, setBId] = useState(initial.id);
  const a = versions.find((v) => v.id === aId) ?? previous;
  const b = versions.find((v) => v.id === bId) ?? initial;
  const picker = (id: string, value: string, onChange: (id: string) => void, label: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {[...versions].reverse().map((v) => (
          <option key={v.id} value={v.id}>
            v{v.number} · {formatDateTime(v.createdAt)}
          </option>
        ))}
      </select>
    </div>
  );
  const rows: [string, (v: VersionRow) => string][] = [
    ['Created', (v) => formatDateTime(v.createdAt)],
    ['Status', (v) => statusLabels[v.status]],
    ['Size', (v) => formatBytes(v.size)],
    ['SHA-256', (v) => shortDigest(v.sha256)],
    ['Tree', (v) => shortDigest(v.treeId)],
    ['Device', (v) => v.deviceId.slice(0, 12)],
    ['Message', (v) => v.message || '—'],
  ];
  const same = a.sha256 === b.sha256;
  return (
    <Dialog title={`Compare versions of ${initial.name}`} onClose={onClose} wide>
      <div className="form-grid">
        {picker('compare-a', aId, setAId, 'From')}
        {picker('compare-b', bId, setBId, 'To')}
      </div>
      <p className={same ? 'compare-verdict compare-same' : 'compare-verdict'} data-testid="compare-verdict">
        {a.id === b.id
          ? 'The same version on both sides.'
          : same
            ? `Identical content: v${a.number} and v${b.number} have the same SHA-256${b.restoredFrom === a.id || a.restoredFrom === b.id ? ' (one is a rollback to the other)' : ''}.`
            : `Different content: ${sizeChange(a, b)} from v${a.number} to v${b.number}.`}
      </p>
      <table className="compare-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Field</span>
            </th>
            <th scope="col">v{a.number}</th>
            <th scope="col">v{b.number}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, get]) => (
            <tr key={label} className={get(a) !== get(b) ? 'compare-differs' : undefined}>
              <th scope="row">{label}</th>
              <td>{get(a)}</td>
              <td>{get(b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">A line diff for text, JSON and YAML, images side by side and chunk reuse for binaries need the engine to serve a version's content; the contract has no such command yet.</p>
    </Dialog>
  );
}
