// Who may talk to a `goroscope serve` instance: whoever holds the random token printed in its URL.
// Other local users can reach any 127.0.0.1 port, so the token, not the address, is what keeps
// their hands off your traces.
//
// The token is accepted three ways, checked on every request:
//   - `?token=…` in the URL (the printed URL; the page load that carries it sets the cookie),
//   - the cookie `goroscope-<port>` (HttpOnly, SameSite=Strict), which the browser then sends with
//     every asset, API call and EventSource by itself; named per port because cookies ignore ports,
//   - `Authorization: Bearer …`, for scripts.
// Requests without it get 403.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class AccessToken {
  readonly value: string;

  constructor(value = randomBytes(24).toString('base64url')) {
    this.value = value;
  }

  cookieName(port: number): string {
    return `goroscope-${port}`;
  }

  /** The Set-Cookie header that lets the browser carry the token from now on. */
  cookie(port: number): string {
    return `${this.cookieName(port)}=${this.value}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** How the request proved it holds the token: 'query' (set the cookie), 'header', or null (refuse). */
  check(req: IncomingMessage, url: URL, port: number): 'query' | 'header' | null {
    if (this.matches(url.searchParams.get('token'))) return 'query';
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && this.matches(auth.slice(7).trim())) return 'header';
    if (this.matches(cookieValue(req.headers.cookie, this.cookieName(port)))) return 'header';
    return null;
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
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
