import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SortKey } from '../../catalogue/catalogue-source';
import { StatusBadge } from '../../components/StatusBadge';
import { listKeyDown } from '../../components/use-list-keyboard';
import type { ArtifactRow } from '../../db/schema';
import { formatBytes, formatDateTime, formatRelative } from '../../format';
import { artifactAt, useLibraryStore } from '../../state/library-store';
import { useNavigationStore } from '../../state/navigation-store';

export const rowHeight = 36;

/** Marked once, when the first rows are on screen: what bench/ui.ts reports as first render. */
let firstRowsMarked = false;

const columns: { label: string; sort?: SortKey; numeric?: boolean }[] = [
  { label: 'Name', sort: 'name' },
  { label: 'Collection' },
  { label: 'Type' },
  { label: 'Tags' },
  { label: 'Status' },
  { label: 'Updated', sort: 'updated' },
  { label: 'Size', sort: 'size', numeric: true },
  { label: 'Versions', numeric: true },
];

function Cells({ row }: { row: ArtifactRow }) {
  return (
    <>
      <div role="gridcell" className="cell-name" title={row.name}>
        {row.name}
        {row.deleted === 1 && <span className="muted"> (deleted)</span>}
      </div>
      <div role="gridcell" className="cell-muted">
        {row.collection}
      </div>
      <div role="gridcell">{row.type}</div>
      <div role="gridcell" className="cell-tags" title={row.tags.join(', ')}>
        {row.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
          </span>
        ))}
      </div>
      <div role="gridcell">
        <StatusBadge status={row.status} />
      </div>
      <div role="gridcell" title={formatDateTime(row.updatedAt)}>
        {formatRelative(row.updatedAt)}
      </div>
      <div role="gridcell" className="cell-number">
        {row.headVersionId ? formatBytes(row.size) : '—'}
      </div>
      <div role="gridcell" className="cell-number">
        {row.versionCount}
      </div>
    </>
  );
}

interface RowProps {
  index: number;
  start: number;
  row: ArtifactRow | undefined;
  active: boolean;
  onOpen: (index: number) => void;
}

/** One row; memoised, so fetching a page re-renders only the rows whose data arrived. */
const GridRow = memo(function GridRow({ index, start, row, active, onOpen }: RowProps) {
  return (
    <div
      id={`library-row-${index}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={active}
      className={active ? 'grid-row grid-row-active' : 'grid-row'}
      style={{ transform: `translateY(${start}px)`, height: rowHeight }}
      onClick={() => onOpen(index)}
    >
      {row ? (
        <Cells row={row} />
      ) : (
        <div role="gridcell" className="cell-loading">
          Loading…
        </div>
      )}
    </div>
  );
});

/**
 * The artifacts as a virtualised grid: only the rows in view exist in the DOM, and only their
 * pages are read from IndexedDB, so 100k rows scroll like 100. The grid is one tab stop; arrow
 * keys move the active row (aria-activedescendant), Enter opens it.
 */
export function LibraryTable() {
  const { total, rows, rowsVersion, resultsVersion, query, activeIndex, setActiveIndex, ensureRows, sortBy } = useLibraryStore(
    useShallow((s) => ({ total: s.total, rows: s.rows, rowsVersion: s.rowsVersion, resultsVersion: s.resultsVersion, query: s.query, activeIndex: s.activeIndex, setActiveIndex: s.setActiveIndex, ensureRows: s.ensureRows, sortBy: s.sortBy })),
  );
  const openArtifact = useNavigationStore((s) => s.openArtifact);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensureRows(first, last);
  }, [first, last, total, rowsVersion, resultsVersion, ensureRows]);
  useEffect(() => {
    if (firstRowsMarked || rows.size === 0) return;
    firstRowsMarked = true;
    performance.mark('library-first-rows');
  }, [rows, rowsVersion]);

  const open = (index: number) => {
    const row = artifactAt(index);
    if (row) openArtifact(row.id);
  };
  // Stable for the memoised rows: reads the current row when clicked.
  const openAt = useRef((index: number) => {
    useLibraryStore.getState().setActiveIndex(index);
    const row = artifactAt(index);
    if (row) useNavigationStore.getState().openArtifact(row.id);
  }).current;
  const activate = (index: number) => {
    setActiveIndex(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Artifacts"
      aria-rowcount={total + 1}
      aria-colcount={columns.length}
      aria-activedescendant={total > 0 ? `library-row-${activeIndex}` : undefined}
      tabIndex={0}
      onKeyDown={listKeyDown({ count: total, active: activeIndex, setActive: activate, onOpen: open, pageSize: 15 })}
      data-testid="library-grid"
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row">
          {columns.map((column) => {
            const sorted = column.sort && query.sort === column.sort;
            return (
              <div key={column.label} role="columnheader" className={column.numeric ? 'cell-number' : undefined} aria-sort={sorted ? (query.descending ? 'descending' : 'ascending') : undefined}>
                {column.sort ? (
                  <button type="button" className="sort-button" tabIndex={-1} onClick={() => sortBy(column.sort as SortKey)}>
                    {column.label}
                    {sorted && <span aria-hidden="true">{query.descending ? ' ↓' : ' ↑'}</span>}
                  </button>
                ) : (
                  column.label
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" ref={scroller} data-testid="library-scroller">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => (
            <GridRow key={item.index} index={item.index} start={item.start} row={rows.get(item.index)} active={item.index === activeIndex} onOpen={openAt} />
          ))}
        </div>
      </div>
    </div>
  );
}
