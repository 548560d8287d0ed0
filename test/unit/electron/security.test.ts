import { describe, expect, it } from 'vitest';
import { appOrigin, contentSecurityPolicy, isSafeExternalUrl, isTrustedSenderUrl } from '../../../src-main/electron/security';

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
