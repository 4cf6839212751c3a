// The app's session: the app:// protocol serving the built renderer with its CSP, every request
// that is not the app's own cancelled, every permission denied, no spell-check downloads.

import * as fs from 'node:fs';
import { protocol, type Session } from 'electron';
import { appUrlToFile, contentTypeOf } from './app-protocol.ts';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, isAllowedRequest, isAppPage, withCspHeader } from './security-policy.ts';

/**
 * Must run before the app is ready: gives app:// an origin, secure context and fetch. corsEnabled
 * stays off, so no other origin could read app:// responses even if one were ever loaded.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves `rendererRoot` (dist/renderer) as app://goroscope/ in `session`, and locks the session down. */
export function hardenSession(session: Session, rendererRoot: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = appUrlToFile(rendererRoot, request.url);
    if (file === null) return new Response('not found', { status: 404 });
    try {
      const body = await fs.promises.readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentTypeOf(file),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });

  // No network at run time: anything but the app's own pages (and data:/blob:/devtools:) is cancelled.
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
  // The protocol handler already sends the CSP; this keeps it on every app response whatever serves it.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback(isAppPage(details.url) ? { responseHeaders: withCspHeader(details.responseHeaders) } : {});
  });

  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Chromium fetches Hunspell dictionaries from a CDN when spell-checking is on.
  session.setSpellCheckerEnabled(false);
}
