// Who may talk to a `goroscope serve` instance: whoever holds the random token printed in its URL.
// Other local users can reach any 127.0.0.1 port, so the token, not the address, is what keeps
// their hands off your traces.
//
// The token is accepted two ways, checked on every request but those for the renderer's built
// assets:
//   - `?token=…` in the URL: the printed URL (the page keeps it in its address, which the app's
//     hash routes never change) and the page's event stream, which cannot send headers,
//   - `Authorization: Bearer …`: every API call and upload of the page, and scripts.
// Requests without it get 403. It is never put in a cookie: cookies ignore ports, so every other
// server on 127.0.0.1 that the browser visits would be sent it.
//
// The page (index.html) and its built assets under /assets/ are served to anyone who reaches the
// port: a page's scripts and styles cannot carry a header, and these files are the same for
// everyone (the UI as built, content-hashed names, no user data). Everything the page shows comes
// from the API, which needs the token; the page keeps the token of the printed URL for its tab
// (sessionStorage: per origin, so per port), so a later load of the page without it still works.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class AccessToken {
  readonly value: string;

  constructor(value = randomBytes(24).toString('base64url')) {
    this.value = value;
  }

  /** True when the request carries the token, in the URL or as a Bearer header. */
  check(req: IncomingMessage, url: URL): boolean {
    if (this.matches(url.searchParams.get('token'))) return true;
    const auth = req.headers.authorization;
    return auth?.startsWith('Bearer ') === true && this.matches(auth.slice(7).trim());
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** True for a request of one of the renderer's built assets (served without the token, see above). */
export function isPublicAsset(method: string | undefined, pathname: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (pathname === '/' || pathname === '/index.html' || /^\/assets\/[\w.-]+$/.test(pathname));
}

/**
 * True when the Host header names this server. A page on another site that resolves its own
 * name to 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused before the token
 * is even looked at. When bound to a non-loopback address on purpose, any host name is accepted.
 */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!isLoopback(boundHost)) return true;
  if (!hostHeader) return false;
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${boundHost}:${port}`];
  return allowed.includes(hostHeader.toLowerCase());
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
