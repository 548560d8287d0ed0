import { describe, expect, it } from 'vitest';
import {
  appOrigin,
  contentSecurityPolicy,
  developmentContentSecurityPolicy,
  devServerUrlFrom,
  isSafeExternalUrl,
  isTrustedSenderUrl,
  secureWebPreferences,
  withContentSecurityPolicy,
} from '../../../src-main/electron/security';

describe('isTrustedSenderUrl', () => {
  it('trusts only pages of our app origin', () => {
    expect(isTrustedSenderUrl(`${appOrigin}/index.html`)).toBe(true);
    expect(isTrustedSenderUrl(`${appOrigin}/`)).toBe(true);
    for (const url of [
      undefined,
      '',
      'not a url',
      'app://cairn.evil/index.html',
      'app://evil/index.html',
      'https://cairn/index.html',
      'file:///index.html',
      'http://localhost:5173/',
      'about:blank',
    ]) {
      expect(isTrustedSenderUrl(url), String(url)).toBe(false);
    }
  });

  it('trusts the dev server origin only when one is set, and only that origin', () => {
    const dev = 'http://localhost:5173';
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/index.html', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/index.html', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', 'not a url')).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows plain https links only', () => {
    expect(isSafeExternalUrl('https://example.com/docs?x=1')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com', 'nonsense']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('contentSecurityPolicy', () => {
  it('allows scripts from the app only, with no eval and no plugins', () => {
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).toContain("object-src 'none'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
    expect(contentSecurityPolicy).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('secureWebPreferences', () => {
  it('turns every checklist flag the safe way', () => {
    expect(secureWebPreferences('/p.cjs')).toEqual({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('the content security policy', () => {
  const directives = new Map(contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it('defaults to self, connects only to self and loads no remote scripts', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy).not.toMatch(/https?:|\*|data:[^;]*script/);
  });

  it('loosens only what hot reload needs in development, for the dev server alone', () => {
    const dev = developmentContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("default-src 'self'");
    expect(dev).toContain("object-src 'none'");
  });

  it('replaces whatever policy a response carried, in any letter case', () => {
    const headers = withContentSecurityPolicy(
      { 'content-type': ['text/html'], 'content-security-policy': ["default-src *"], 'CONTENT-SECURITY-POLICY': 'script-src *' },
      contentSecurityPolicy,
    );
    expect(headers).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] });
    expect(withContentSecurityPolicy(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});

describe('devServerUrlFrom', () => {
  it('honours a loopback http dev server only in an unpackaged run', () => {
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, false)).toBe('http://localhost:5173');
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' }, false)).toBe('http://127.0.0.1:5173');
    expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBeUndefined();
    for (const url of ['https://evil.example', 'http://evil.example:5173', 'file:///tmp/index.html', 'not a url', '']) {
      expect(devServerUrlFrom({ ELECTRON_RENDERER_URL: url }, false), url).toBeUndefined();
    }
    expect(devServerUrlFrom({}, false)).toBeUndefined();
  });
});
