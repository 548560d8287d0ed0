import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticFile } from '../../../src-main/server/static-files';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
let root: string;

beforeAll(async () => {
  dir = await makeTempDir('static');
  await dir.write('ui/index.html', '<p>index</p>');
  await dir.write('ui/assets/app.js', 'app()');
  await dir.write('ui/assets/logo.svg', '<svg/>');
  await dir.write('ui-sibling/secret.txt', 'secret');
  await dir.write('secret.txt', 'secret');
  root = dir.join('ui');
});

afterAll(() => dir.remove());

const text = async (urlPath: string) => {
  const file = await readStaticFile(root, urlPath);
  return file && file.body.toString('utf8');
};

describe('readStaticFile', () => {
  it('serves index.html for / and files by path with their content type', async () => {
    expect(await text('/')).toBe('<p>index</p>');
    expect(await readStaticFile(root, '/assets/app.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8' });
    expect(await readStaticFile(root, '/assets/logo.svg')).toMatchObject({ contentType: 'image/svg+xml' });
    expect(await text('/assets/app.js?v=1')).toBe('app()');
  });

  it('falls back to index.html only for extensionless paths (client-side routes)', async () => {
    expect(await text('/versions/abc')).toBe('<p>index</p>');
    expect(await readStaticFile(root, '/assets/missing.js')).toBeNull();
  });

  it('does not serve a folder as a file', async () => {
    expect(await text('/assets')).toBe('<p>index</p>');
    expect(await readStaticFile(root, '/assets/')).toMatchObject({ contentType: 'text/html; charset=utf-8' });
  });

  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%2Fui-sibling%2Fsecret.txt',
    '/../ui-sibling/secret.txt',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '/secret.txt%00',
    '/%00',
    '/%',
    '/%E0%A4%A',
    `/${'../'.repeat(20)}etc/passwd`,
  ])('refuses %s', async (urlPath) => {
    expect(await readStaticFile(root, urlPath)).toBeNull();
  });

  it('refuses a sibling folder whose name starts with the root name', async () => {
    // `/tmp/x/ui-sibling` starts with `/tmp/x/ui`: containment must compare whole segments.
    expect(await readStaticFile(root, '/../ui-sibling/secret.txt')).toBeNull();
  });
});
