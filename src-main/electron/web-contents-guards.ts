import type { App, WebContents } from 'electron';
import { isSafeExternalUrl, isTrustedSenderUrl } from './security';

export type GuardableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export interface GuardOptions {
  /** The dev server origin in development, so its pages count as ours. */
  devServerUrl: string | undefined;
  /** Hands a link to the system browser (`shell.openExternal`). */
  openExternal: (url: string) => void;
}

const guarded = new WeakSet<object>();

/**
 * Denies everything a page could do to leave our UI: opening windows (plain https links go to
 * the system browser instead), navigating or being redirected to another origin, and attaching
 * a <webview>. Safe to call twice for the same contents (every window's contents pass both
 * through `createMainWindow` and through the app-wide 'web-contents-created' hook).
 */
export function guardWebContents(contents: GuardableContents, options: GuardOptions): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) options.openExternal(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!isTrustedSenderUrl(url, options.devServerUrl)) event.preventDefault();
  };
  contents.on('will-navigate', (event, url) => stayInApp(event, url));
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-redirect', (event, url) => stayInApp(event, url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Applies the guards to every web contents the app ever creates, not only our main window. */
export function guardEveryWebContents(app: Pick<App, 'on'>, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}
