import { describe, expect, it, vi } from 'vitest';
import { hardenSession, type HardenableSession } from '../../../src-main/electron/session-hardening';
import { contentSecurityPolicy } from '../../../src-main/electron/security';

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;

function hardenedSession() {
  const session = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    setDisplayMediaRequestHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  };
  hardenSession(session as unknown as HardenableSession, contentSecurityPolicy);
  const only = <T>(mock: { mock: { calls: unknown[][] } }): T => {
    expect(mock.mock.calls).toHaveLength(1);
    return mock.mock.calls[0]![0] as T;
  };
  return {
    request: only<(contents: unknown, permission: string, callback: (granted: boolean) => void) => void>(session.setPermissionRequestHandler),
    check: only<(contents: unknown, permission: string, origin: string) => boolean>(session.setPermissionCheckHandler),
    device: only<(details: unknown) => boolean>(session.setDevicePermissionHandler),
    displayMedia: only<(request: unknown, callback: (streams: unknown) => void) => void>(session.setDisplayMediaRequestHandler),
    headers: only<HeadersListener>(session.webRequest.onHeadersReceived),
  };
}

describe('hardenSession', () => {
  it('denies every permission request, check, device and screen capture', () => {
    const handlers = hardenedSession();
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fileSystem', 'usb', 'unknown']) {
      const callback = vi.fn();
      handlers.request({}, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(handlers.check({}, permission, 'app://cairn')).toBe(false);
    }
    expect(handlers.device({ deviceType: 'usb', origin: 'app://cairn' })).toBe(false);
    const streams = vi.fn();
    handlers.displayMedia({}, streams);
    expect(streams).toHaveBeenCalledExactlyOnceWith(null);
  });

  it('puts our CSP on every response the session receives, replacing the server’s', () => {
    const { headers } = hardenedSession();
    const cases: Array<Record<string, string[]> | undefined> = [
      { 'Content-Type': ['text/html'] },
      { 'content-security-policy': ["script-src 'unsafe-eval' https://cdn.example"] },
      undefined,
    ];
    for (const responseHeaders of cases) {
      const callback = vi.fn();
      headers({ url: 'http://localhost:5173/', ...(responseHeaders && { responseHeaders }) }, callback);
      const [response] = callback.mock.calls[0] as [{ responseHeaders: Record<string, string[]> }];
      const policies = Object.entries(response.responseHeaders).filter(([name]) => name.toLowerCase() === 'content-security-policy');
      expect(policies).toEqual([['Content-Security-Policy', [contentSecurityPolicy]]]);
    }
  });
});
