// How app://goroscope/… URLs map to files of the built renderer (dist/renderer). Pure: the
// Electron protocol handler in session-hardening.ts reads the file this returns.

import * as path from 'node:path';
// The same table the localhost host serves the renderer with.
import { CONTENT_TYPES } from '../http/static-files.ts';
import { APP_HOST, APP_SCHEME } from './security-policy.ts';

/** The content type served for a file, by extension; unknown extensions are opaque bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` an app URL names, or null when the URL is not the app's or would leave
 * `root` (`..`, encoded separators, NUL). `/` is the entry page.
 */
export function appUrlToFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolvedRoot = path.resolve(root);
  const file = path.resolve(resolvedRoot, relative);
  if (file !== resolvedRoot && !file.startsWith(resolvedRoot + path.sep)) return null;
  return file;
}
