import type { WebPreferences } from 'electron';

/**
 * The renderer's web preferences, per the Electron security checklist. Kept in one constant so
 * a unit test can assert every flag and no window can be created without them.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
    // Middle-click (auxclick) can open links outside the window-open handler's view.
    disableBlinkFeatures: 'Auxclick',
  };
}

/** The scheme the UI is served from (never file://, so the CSP and origin checks mean something). */
export const appScheme = 'app';
export const appOrigin = `${appScheme}://cairn`;

/**
 * The policy for every page the app shows: its own scripts and styles only, no remote code, no
 * network but its own origin (the engine is reached over IPC, not fetch), no plugins or frames.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Whether an IPC message comes from our own UI: the sending frame must be the top frame of a
 * window we created, showing a page from our origin (or the dev server in development).
 */
export function isTrustedSenderUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${appScheme}:` && parsed.host === 'cairn') return true;
  if (devServerUrl) {
    try {
      return parsed.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/** `shell.openExternal` only for plain https links. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * The dev server (electron-vite's `ELECTRON_RENDERER_URL`) is honoured only in an unpackaged
 * run and only on loopback http: a packaged app must never load its UI from a URL that an
 * environment variable names, or anyone who can set one could hand a remote page the bridge.
 */
export function devServerUrlFrom(env: NodeJS.ProcessEnv, isPackaged: boolean): string | undefined {
  const value = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !value) return undefined;
  try {
    const url = new URL(value);
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    return url.protocol === 'http:' && loopback ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The dev server's pages need what Vite's hot reload uses (an inline React Refresh preamble and
 * a WebSocket back to the dev server); only in development, never in a packaged app.
 */
export function developmentContentSecurityPolicy(devServerOrigin: string): string {
  const socket = devServerOrigin.replace(/^http/, 'ws');
  return contentSecurityPolicy
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${socket}`);
}

/**
 * A response's headers with our policy as the only Content-Security-Policy (any the response
 * carried, in whatever letter case, is dropped so it cannot loosen or confuse ours).
 */
export function withContentSecurityPolicy(headers: Record<string, string[] | string> | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
