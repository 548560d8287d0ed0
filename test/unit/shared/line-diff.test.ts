import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../../src-shared/content/line-diff';

describe('lineDiff', () => {
  it('numbers lines on both sides and marks what changed', () => {
    const diff = lineDiff('one\ntwo\nthree\n', 'one\n2\nthree\nfour\n');
    expect(diff).toEqual({
      added: 2,
      removed: 1,
      rows: [
        { kind: 'same', oldLine: 1, newLine: 1, text: 'one' },
        { kind: 'removed', oldLine: 2, newLine: null, text: 'two' },
        { kind: 'added', oldLine: null, newLine: 2, text: '2' },
        { kind: 'same', oldLine: 3, newLine: 3, text: 'three' },
        { kind: 'added', oldLine: null, newLine: 4, text: 'four' },
      ],
    });
  });

  it('folds long unchanged stretches to a little context', () => {
    const before = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 50\n', 'line fifty\n');
    const diff = lineDiff(before, after, { context: 2 })!;
    expect(diff.rows[0]).toEqual({ kind: 'fold', lines: 47 });
    expect(diff.rows.filter((r) => r.kind !== 'fold').map((r) => ('text' in r ? r.text : ''))).toEqual(['line 48', 'line 49', 'line 50', 'line fifty', 'line 51', 'line 52']);
    expect(diff.rows.at(-1)).toEqual({ kind: 'fold', lines: 48 });
  });

  it('folds identical texts entirely and handles empty sides', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toEqual({ added: 0, removed: 0, rows: [{ kind: 'fold', lines: 2 }] });
    expect(lineDiff('', 'x\n')).toEqual({ added: 1, removed: 0, rows: [{ kind: 'added', oldLine: null, newLine: 1, text: 'x' }] });
    expect(lineDiff('x\n', '')).toEqual({ added: 0, removed: 1, rows: [{ kind: 'removed', oldLine: 1, newLine: null, text: 'x' }] });
  });

  it('gives up (null) rather than working forever on texts with too many changes', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n');
    expect(lineDiff(a, b, { maxEdits: 100 })).toBeNull();
  });
});
