import type { Session } from 'electron';
import { withContentSecurityPolicy } from './security';

export type HardenableSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler' | 'webRequest'
>;

/**
 * Locks the session down: every permission (camera, notifications, clipboard, USB, screen
 * capture…) is refused, asked or checked, because the UI needs none of them; and every response
 * the session receives carries our Content-Security-Policy. The app:// protocol handler sets the
 * same header itself; this covers whatever else the session loads (the dev server, an error page).
 */
export function hardenSession(session: HardenableSession, policy: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
}
