import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from '../../../src-main/electron/protocol';
import { appOrigin, contentSecurityPolicy } from '../../../src-main/electron/security';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
let rendererDir: string;

beforeAll(async () => {
  dir = await makeTempDir('protocol');
  await dir.write('renderer/index.html', '<p>ui</p>');
  await dir.write('renderer/assets/app.js', 'app()');
  await dir.write('renderer-evil/secret.txt', 'secret');
  await dir.write('secret.txt', 'secret');
  rendererDir = dir.join('renderer');
});

afterAll(() => dir.remove());

describe('serveAppRequest', () => {
  it('serves the UI with its content type, the CSP and nosniff', async () => {
    const page = await serveAppRequest(rendererDir, `${appOrigin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<p>ui</p>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await serveAppRequest(rendererDir, `${appOrigin}/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 for a missing file or a folder', async () => {
    expect((await serveAppRequest(rendererDir, `${appOrigin}/missing.js`)).status).toBe(404);
    expect((await serveAppRequest(rendererDir, `${appOrigin}/assets`)).status).toBe(404);
  });

  it('answers only for the cairn host', async () => {
    expect((await serveAppRequest(rendererDir, 'app://other/index.html')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%2frenderer-evil%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/secret.txt%00.html',
    `/${'..%2f'.repeat(16)}etc%2fpasswd`,
  ])('refuses %s', async (attempt) => {
    const response = await serveAppRequest(rendererDir, `${appOrigin}${attempt}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('secret');
  });

  it('answers 400 for a malformed escape', async () => {
    expect((await serveAppRequest(rendererDir, `${appOrigin}/%E0%A4%A`)).status).toBe(400);
  });
});
