import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRendererDir } from '../../../src-main/server/renderer-dir';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;

beforeAll(async () => {
  dir = await makeTempDir('renderer-dir');
  await dir.write('ui/index.html', '<p>ui</p>');
  await dir.write('env-ui/index.html', '<p>env</p>');
  await dir.write('empty/readme.txt', 'no index here');
});

afterAll(() => dir.remove());

describe('findRendererDir', () => {
  it('uses the folder given by --renderer-dir, over CAIRN_RENDERER_DIR', () => {
    expect(findRendererDir(dir.join('ui'), { CAIRN_RENDERER_DIR: dir.join('env-ui') })).toBe(dir.join('ui'));
    expect(findRendererDir(undefined, { CAIRN_RENDERER_DIR: dir.join('env-ui') })).toBe(dir.join('env-ui'));
  });

  it('refuses a chosen folder without index.html instead of falling back to another one', () => {
    for (const [explicit, env, by] of [
      [dir.join('empty'), {}, '--renderer-dir'],
      [dir.join('missing'), { CAIRN_RENDERER_DIR: dir.join('env-ui') }, '--renderer-dir'],
      [undefined, { CAIRN_RENDERER_DIR: dir.join('missing') }, 'CAIRN_RENDERER_DIR'],
    ] as const) {
      expect(() => findRendererDir(explicit, env)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining(by) }));
    }
  });

  it('resolves a relative folder', () => {
    expect(findRendererDir(path.relative(process.cwd(), dir.join('ui')), {})).toBe(dir.join('ui'));
    expect(findRendererDir(`${dir.join('ui')}/./`, {})).toBe(dir.join('ui'));
  });
});
