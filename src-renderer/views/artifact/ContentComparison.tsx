import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { maxContentBytes, type FileComparison, type FileContent } from '../../../src-shared/catalogue/content';
import { lineDiff, type DiffRow } from '../../../src-shared/content/line-diff';
import { api } from '../../api/client';
import { describeError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { VersionRow } from '../../db/schema';
import { formatBytes, shortDigest } from '../../format';
import { LineDiffTable } from './LineDiffTable';

/** Lines shown when a text is previewed rather than diffed. */
const previewLines = 2000;

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; left: FileContent | null; right: FileContent | null };

function bytesOf(content: FileContent): Uint8Array<ArrayBuffer> {
  if (content.encoding === 'utf8') return new TextEncoder().encode(content.data);
  const binary = atob(content.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function isImage(mime: string): boolean {
  return mime.startsWith('image/') && mime !== 'image/svg+xml';
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '100%';
  const value = (part / whole) * 100;
  return `${value >= 99.95 || value < 0.05 ? value.toFixed(0) : value.toFixed(1)}%`;
}

/** Object URLs for image bytes (never a remote URL); revoked when the images go away. */
function useObjectUrl(content: FileContent | null): string | null {
  const url = useMemo(() => (content && !content.truncated && isImage(content.mime) ? URL.createObjectURL(new Blob([bytesOf(content)], { type: content.mime })) : null), [content]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return url;
}

function ImageSide({ content, label }: { content: FileContent | null; label: string }) {
  const url = useObjectUrl(content);
  return (
    <figure className="image-side">
      {content === null ? (
        <p className="muted">Not in {label}.</p>
      ) : url ? (
        <img src={url} alt={`${content.path} in ${label}`} />
      ) : (
        <p className="muted">
          Too large to preview ({formatBytes(content.size)}; previews stop at {formatBytes(maxContentBytes)}).
        </p>
      )}
      <figcaption>
        {label}
        {content && ` · ${formatBytes(content.size)}`}
      </figcaption>
    </figure>
  );
}

function textRows(text: string): { rows: DiffRow[]; more: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const shown = lines.slice(0, previewLines).map((line, i): DiffRow => ({ kind: 'same', oldLine: i + 1, newLine: i + 1, text: line }));
  return { rows: shown, more: Math.max(0, lines.length - previewLines) };
}

/**
 * One file of two versions (or of one, to preview it): a line diff when both sides are text,
 * the two images side by side, and for anything else (and always, below) sizes, digests and
 * how much of the newer file's bytes the older version already had.
 */
export function ContentComparison({ a, b, file }: { a: VersionRow; b: VersionRow; file: FileComparison }) {
  const preview = a.id === b.id;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const labelA = `v${a.number}`;
  const labelB = `v${b.number}`;

  useEffect(() => {
    let cancelled = false;
    setLoaded({ state: 'loading' });
    // Images are shown whole (up to the cap); text and anything else only their first MiB.
    const maxBytes = isImage(file.mime) ? maxContentBytes : undefined;
    const read = (version: VersionRow, present: boolean) =>
      present ? api['catalogue.content']({ version: version.id, path: file.path, ...(maxBytes ? { maxBytes } : {}) }) : Promise.resolve(null);
    Promise.all([read(a, !preview && file.a !== null), read(b, file.b !== null)]).then(
      ([left, right]) => !cancelled && setLoaded({ state: 'done', left, right }),
      (err: unknown) => !cancelled && setLoaded({ state: 'error', message: describeError(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, [a, b, file, preview]);

  const summary = (
    <table className="compare-table" data-testid="file-summary">
      <caption className="visually-hidden">Size and SHA-256 of {file.path}</caption>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Field</span>
          </th>
          {!preview && <th scope="col">{labelA}</th>}
          <th scope="col">{labelB}</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Size</th>
          {!preview && <td>{file.a ? formatBytes(file.a.size) : '—'}</td>}
          <td>{file.b ? formatBytes(file.b.size) : '—'}</td>
        </tr>
        <tr>
          <th scope="row">SHA-256</th>
          {!preview && <td>{file.a ? <code title={file.a.sha256}>{shortDigest(file.a.sha256)}</code> : '—'}</td>}
          <td>{file.b ? <code title={file.b.sha256}>{shortDigest(file.b.sha256)}</code> : '—'}</td>
        </tr>
        {!preview && file.b && file.bytesInA !== null && (
          <tr>
            <th scope="row">Reused</th>
            <td colSpan={2}>
              {percent(file.bytesInA, file.b.size)} of this file&apos;s bytes in {labelB} were already in {labelA} ({formatBytes(file.bytesInA)} of {formatBytes(file.b.size)})
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );

  if (loaded.state === 'loading') {
    return (
      <div className="content-view">
        <p className="muted" aria-live="polite">
          Reading {file.path}…
        </p>
      </div>
    );
  }
  if (loaded.state === 'error') {
    return (
      <div className="content-view">
        <ErrorNotice message={loaded.message} />
        {summary}
      </div>
    );
  }

  const { left, right } = loaded;
  const sides = [left, right].filter((s): s is FileContent => s !== null);
  const truncated = sides.filter((s) => s.truncated);
  const truncationNote =
    truncated.length > 0 ? (
      <p className="hint" data-testid="content-truncated">
        Only the first {formatBytes(Math.max(...truncated.map((s) => s.length)))} of {truncated.map((s) => `${s === left ? labelA : labelB} (${formatBytes(s.size)})`).join(' and ')} {truncated.length === 1 ? 'is' : 'are'} shown.
      </p>
    ) : null;

  let body: ReactNode;
  if (sides.length > 0 && sides.every((s) => isImage(s.mime) && s.encoding === 'base64')) {
    body = (
      <div className="image-pair" data-testid="image-pair">
        {!preview && <ImageSide content={left} label={labelA} />}
        <ImageSide content={right} label={labelB} />
      </div>
    );
  } else if (sides.length > 0 && sides.every((s) => s.encoding === 'utf8')) {
    if (preview || file.change === 'unchanged') {
      const { rows, more } = textRows((right ?? left)?.data ?? '');
      body = (
        <>
          {file.change === 'unchanged' && !preview && <p data-testid="content-same">No line changed: the file is identical in {labelA} and {labelB}.</p>}
          <LineDiffTable rows={rows} caption={`${file.path} in ${labelB}`} oldLabel={labelB} newLabel={labelB} />
          {more > 0 && <p className="hint">…and {more.toLocaleString()} more lines.</p>}
        </>
      );
    } else {
      const diff = lineDiff(left?.data ?? '', right?.data ?? '');
      body = diff ? (
        <>
          <p className="diff-stats" data-testid="diff-stats">
            <span className="diff-stat-added">+{diff.added}</span> <span className="diff-stat-removed">−{diff.removed}</span> line{diff.added + diff.removed === 1 ? '' : 's'} from {labelA} to {labelB}
          </p>
          <LineDiffTable rows={diff.rows} caption={`Line changes to ${file.path} from ${labelA} to ${labelB}`} oldLabel={labelA} newLabel={labelB} />
        </>
      ) : (
        <p className="hint">Too many changes for a line diff; the sizes and digests are below.</p>
      );
    }
  } else {
    body = <p className="muted">{file.path} is not text or an image, so it is compared by size, digest and stored bytes.</p>;
  }

  return (
    <div className="content-view">
      {body}
      {truncationNote}
      {summary}
    </div>
  );
}
