import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../../src-main/cli/commands/endpoints';
import { exportKey } from '../../../src-main/engine/share/export-key';

const sha = 'a'.repeat(64);

describe('share link inputs', () => {
  it('reads --expires as seconds, minutes, hours or days', () => {
    expect(parseDurationSeconds('90', '--expires')).toBe(90);
    expect(parseDurationSeconds('45m', '--expires')).toBe(2700);
    expect(parseDurationSeconds('24h', '--expires')).toBe(86_400);
    expect(parseDurationSeconds('7d', '--expires')).toBe(604_800);
    expect(() => parseDurationSeconds('soon', '--expires')).toThrow(/--expires takes a duration like 90s/);
    expect(() => parseDurationSeconds('0h', '--expires')).toThrow(/--expires/);
  });

  it('names exports by content and refuses file names that are not one plain key segment', () => {
    expect(exportKey(sha, 'model v2.bin')).toBe(`exports/${sha}/model v2.bin`);
    for (const bad of ['', 'a/b', '..', '.tmp-x', 'tab\there', 'say "hi"', 'x'.repeat(256)]) {
      expect(() => exportKey(sha, bad), bad).toThrow(expect.objectContaining({ name: 'InvalidShareNameError', code: 'INVALID_INPUT' }));
    }
  });
});
