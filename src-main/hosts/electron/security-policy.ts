// What the Electron window may load and run: the app's own origin and nothing else. Pure data
// and predicates (no electron import), so the policy itself is unit-tested.

/**
 * The renderer is served from a privileged custom scheme rather than file://: a standard scheme
 * gives the pages a real origin ('self' in the CSP means exactly this origin, not every file on
 * disk), and its responses carry the CSP as a header, which file:// responses cannot.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'goroscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy of every app page. No remote origin anywhere: scripts, styles,
 * fonts and data come from the app's own origin. Inline styles are allowed because Svelte
 * transitions and chart.js set style attributes; inline scripts and eval are not.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ');

/** Schemes a request from the window may use: the app's pages, inline data, and DevTools. */
const ALLOWED_REQUEST_SCHEMES = new Set([`${APP_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

/**
 * True when the session may perform this request. Everything else (http, https, ws, ftp, file,
 * another host on the app scheme) is cancelled: the app works offline and never phones home.
 */
export function isAllowedRequest(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!ALLOWED_REQUEST_SCHEMES.has(parsed.protocol)) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST;
  return true;
}

/** True when a page of this URL is the app itself (IPC is answered only for such senders). */
export function isAppPage(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The web preferences of every window: isolated, sandboxed, no Node, same-origin enforced. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  enableWebSQL: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} as const;

/**
 * The web preferences of a window with this preload. DevTools only in unpackaged builds: in a
 * packaged app they would let anyone at the keyboard run code with the page's IPC bridge.
 */
export function windowPreferences(preload: string, packaged: boolean): typeof SECURE_WEB_PREFERENCES & { preload: string; devTools: boolean } {
  return { ...SECURE_WEB_PREFERENCES, preload, devTools: !packaged };
}

/**
 * Chromium switches that open the app to a debugger from outside (the DevTools protocol); a
 * packaged app refuses to start with them. (Node's --inspect is refused by the
 * nodeCliInspectArguments fuse.)
 */
export const DEBUGGING_SWITCHES: readonly string[] = ['remote-debugging-port', 'remote-debugging-pipe', 'remote-debugging-address'];

/**
 * Response headers with the app's CSP in place of any the response carried (header names are
 * case-insensitive, so every spelling of Content-Security-Policy is replaced).
 */
export function withCspHeader(headers: Readonly<Record<string, string[]>> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}
