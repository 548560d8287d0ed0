import { diffLines } from 'diff';

/**
 * A line diff for people (the artifact view's Compare panel): jsdiff's line changes turned into
 * rows with line numbers on each side, long unchanged stretches folded to a few lines of
 * context. Bounded: a diff with too many changes gives up rather than freezing the page.
 */

export type DiffRow =
  | { kind: 'same' | 'added' | 'removed'; oldLine: number | null; newLine: number | null; text: string }
  | { kind: 'fold'; lines: number };

export interface LineDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

export interface LineDiffOptions {
  /** Unchanged lines kept around each change. */
  context?: number;
  /** Stop (return null) when the diff needs more edits than this. */
  maxEdits?: number;
  /** Stop (return null) after this many milliseconds. */
  timeoutMs?: number;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The diff of two texts, or null when it would take too long (too many changes). */
export function lineDiff(before: string, after: string, options: LineDiffOptions = {}): LineDiff | null {
  const context = options.context ?? 3;
  const changes = diffLines(before, after, { maxEditLength: options.maxEdits ?? 20_000, timeout: options.timeoutMs ?? 2000 });
  if (!changes) return null;
  const all: Array<Extract<DiffRow, { text: string }>> = [];
  let oldLine = 1;
  let newLine = 1;
  let added = 0;
  let removed = 0;
  for (const change of changes) {
    for (const text of splitLines(change.value)) {
      if (change.added) {
        all.push({ kind: 'added', oldLine: null, newLine: newLine++, text });
        added++;
      } else if (change.removed) {
        all.push({ kind: 'removed', oldLine: oldLine++, newLine: null, text });
        removed++;
      } else {
        all.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
      }
    }
  }
  // Keep unchanged lines within `context` of a change; fold the rest.
  const keep = new Array<boolean>(all.length).fill(false);
  all.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) keep[j] = true;
  });
  const rows: DiffRow[] = [];
  let folded = 0;
  all.forEach((row, i) => {
    if (keep[i]) {
      if (folded > 0) rows.push({ kind: 'fold', lines: folded });
      folded = 0;
      rows.push(row);
    } else folded++;
  });
  if (folded > 0) rows.push({ kind: 'fold', lines: folded });
  return { rows, added, removed };
}
