import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { guardEveryWebContents, guardWebContents, type GuardableContents } from '../../../src-main/electron/web-contents-guards';
import { appOrigin } from '../../../src-main/electron/security';
import { FakeWebContents } from './fake-electron';

const asContents = (contents: FakeWebContents) => contents as unknown as GuardableContents;

function guarded(devServerUrl?: string) {
  const contents = new FakeWebContents();
  const openExternal = vi.fn();
  guardWebContents(asContents(contents), { devServerUrl, openExternal });
  return { contents, openExternal };
}

describe('guardWebContents', () => {
  it('keeps navigation and redirects inside the app', () => {
    const { contents } = guarded();
    expect(contents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-navigate', `${appOrigin}/index.html`)).toBe(false);
    expect(contents.emitPreventable('will-redirect', `${appOrigin}/index.html`)).toBe(false);
  });

  it('checks frame navigations too (the URL is on the event there)', () => {
    const { contents } = guarded();
    let prevented = false;
    contents.emit('will-frame-navigate', { url: 'https://evil.example/frame', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    prevented = false;
    contents.emit('will-frame-navigate', { url: `${appOrigin}/index.html`, preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it('allows the dev server only when one is given', () => {
    expect(guarded('http://localhost:5173').contents.emitPreventable('will-navigate', 'http://localhost:5173/')).toBe(false);
    expect(guarded().contents.emitPreventable('will-navigate', 'http://localhost:5173/')).toBe(true);
  });

  it('denies every new window, handing only plain https links to the browser', () => {
    const { contents, openExternal } = guarded();
    for (const url of ['https://example.com/a', 'http://example.com', 'file:///etc/passwd', `${appOrigin}/index.html`]) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls).toEqual([['https://example.com/a']]);
  });

  it('refuses to attach a webview', () => {
    expect(guarded().contents.emitPreventable('will-attach-webview', {}, {})).toBe(true);
  });

  it('guards the same contents once, however often it is asked', () => {
    const contents = new FakeWebContents();
    guardWebContents(asContents(contents), { devServerUrl: undefined, openExternal: vi.fn() });
    guardWebContents(asContents(contents), { devServerUrl: undefined, openExternal: vi.fn() });
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });
});

describe('guardEveryWebContents', () => {
  it('guards every web contents the app creates', () => {
    const app = new EventEmitter();
    guardEveryWebContents(app as never, { devServerUrl: undefined, openExternal: vi.fn() });
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emitPreventable('will-attach-webview', {}, {})).toBe(true);
  });
});
