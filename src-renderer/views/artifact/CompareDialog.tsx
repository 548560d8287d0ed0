import { useEffect, useState } from 'react';
import type { Comparison } from '../../../src-shared/catalogue/content';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { VersionRow } from '../../db/schema';
import { formatBytes, formatDateTime, shortDigest, statusLabels } from '../../format';
import { ContentComparison } from './ContentComparison';

function sizeChange(a: VersionRow, b: VersionRow): string {
  const delta = b.size - a.size;
  if (delta === 0) return 'same size';
  return `${delta > 0 ? '+' : '−'}${formatBytes(Math.abs(delta))}`;
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '100%';
  const value = (part / whole) * 100;
  return `${value >= 99.95 || value < 0.05 ? value.toFixed(0) : value.toFixed(1)}%`;
}

const changeLabels = { changed: 'changed', added: 'added', removed: 'removed', unchanged: 'unchanged' } as const;

function reuseLine(result: Comparison): string {
  const { reuse, a, b } = result;
  if (reuse.bytes === 0) return `v${b.number} holds no bytes.`;
  const before =
    reuse.versionsBefore > 0
      ? `${percent(reuse.bytesStoredBefore, reuse.bytes)} of v${b.number}'s bytes were already stored before it (${formatBytes(reuse.bytesStoredBefore)} of ${formatBytes(reuse.bytes)})`
      : `v${b.number} is the first version: its ${formatBytes(reuse.bytes)} were all new`;
  return `${before}; ${percent(reuse.bytesInA, reuse.bytes)} are shared with v${a.number}.`;
}

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; result: Comparison };

/**
 * Two versions side by side (or one, to preview it): what the catalogue knows about them, how
 * much of the newer one's bytes were already stored, and the content of a file on both sides
 * (a line diff, two images, or sizes and digests).
 */
export function CompareDialog({ versions, initial, onClose }: { versions: VersionRow[]; initial: VersionRow; onClose: () => void }) {
  const parent = initial.parentVersionId ? versions.find((v) => v.id === initial.parentVersionId) : undefined;
  const previous = parent ?? versions.find((v) => v.number === initial.number - 1) ?? versions.find((v) => v.id !== initial.id) ?? initial;
  const [aId, setAId] = useState(previous.id);
  const [bId, setBId] = useState(initial.id);
  const [path, setPath] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const a = versions.find((v) => v.id === aId) ?? previous;
  const b = versions.find((v) => v.id === bId) ?? initial;
  const single = versions.length === 1;

  useEffect(() => {
    let cancelled = false;
    setLoaded({ state: 'loading' });
    api['catalogue.compare']({ a: a.id, b: b.id }).then(
      (result) => !cancelled && setLoaded({ state: 'done', result }),
      (err: unknown) => !cancelled && setLoaded({ state: 'error', message: describeError(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [a.id, b.id]);

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
  const result = loaded.state === 'done' && loaded.result.a.id === a.id && loaded.result.b.id === b.id ? loaded.result : null;
  const files = result?.files ?? [];
  const file = files.find((f) => f.path === path) ?? files[0];
  const fileCount = result ? result.counts.added + result.counts.removed + result.counts.changed + result.counts.unchanged : 0;

  return (
    <Dialog title={single ? `Preview of ${initial.name} v${initial.number}` : `Compare versions of ${initial.name}`} onClose={onClose} wide>
      {!single && (
        <>
          <div className="compare-pickers">
            {picker('compare-a', aId, setAId, 'From')}
            {picker('compare-b', bId, setBId, 'To')}
          </div>
          <p className={same ? 'compare-verdict compare-same' : 'compare-verdict'} data-testid="compare-verdict">
            {a.id === b.id
              ? 'The same version on both sides: its content is shown below.'
              : same
                ? `Identical content: v${a.number} and v${b.number} have the same SHA-256${b.restoredFrom === a.id || a.restoredFrom === b.id ? ' (one is a rollback to the other)' : ''}.`
                : `Different content: ${sizeChange(a, b)} from v${a.number} to v${b.number}.`}
          </p>
        </>
      )}
      {result && a.id !== b.id && (
        <p data-testid="compare-reuse" className="compare-reuse">
          {reuseLine(result)}
        </p>
      )}
      {loaded.state === 'error' && <ErrorNotice message={loaded.message} />}
      {loaded.state === 'loading' && (
        <p className="muted" aria-live="polite">
          Comparing…
        </p>
      )}

      {result && fileCount > 1 && (
        <div className="field field-inline">
          <label htmlFor="compare-file">
            File ({result.counts.changed} changed, {result.counts.added} added, {result.counts.removed} removed, {result.counts.unchanged} unchanged)
          </label>
          <select id="compare-file" value={file?.path ?? ''} onChange={(e) => setPath(e.target.value)}>
            {files.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path}
                {a.id !== b.id ? ` (${changeLabels[f.change]})` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {result && file && <ContentComparison key={`${a.id}:${b.id}:${file.path}`} a={a} b={b} file={file} />}
      {result && !file && <p className="muted">This version holds no files.</p>}

      {!single && (
        <details className="compare-facts">
          <summary>Version facts</summary>
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
        </details>
      )}
    </Dialog>
  );
}
