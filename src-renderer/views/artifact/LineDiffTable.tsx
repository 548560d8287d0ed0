import type { DiffRow } from '../../../src-shared/content/line-diff';

const markers = { same: ' ', added: '+', removed: '−' } as const;
const spoken = { same: '', added: 'added: ', removed: 'removed: ' } as const;

/**
 * A line diff (or, with only `same` rows, a plain preview) as a table: line numbers on each
 * side, a marker, the text. It scrolls inside its own focusable region so a keyboard reaches
 * every line.
 */
export function LineDiffTable({ rows, caption, oldLabel, newLabel }: { rows: DiffRow[]; caption: string; oldLabel: string; newLabel: string }) {
  return (
    <div className="diff-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="diff-table" data-testid="line-diff">
        <caption className="visually-hidden">{caption}</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">{oldLabel} line</th>
            <th scope="col">{newLabel} line</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) =>
            row.kind === 'fold' ? (
              <tr key={i} className="diff-fold">
                <td colSpan={3}>
                  ⋯ {row.lines} unchanged line{row.lines === 1 ? '' : 's'}
                </td>
              </tr>
            ) : (
              <tr key={i} className={`diff-${row.kind}`}>
                <td className="diff-number">{row.oldLine ?? ''}</td>
                <td className="diff-number">{row.newLine ?? ''}</td>
                <td className="diff-text">
                  <span className="diff-marker" aria-hidden="true">
                    {markers[row.kind]}
                  </span>
                  <span className="visually-hidden">{spoken[row.kind]}</span>
                  {row.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
