// The built renderer (dist/renderer/), served read-only. Paths are resolved inside that
// directory only; anything that would leave it is a 404.

import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import { sendError } from './responses.ts';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** True when the renderer has been built into `dir`. */
export function rendererBuilt(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

export function serveStatic(dir: string, urlPath: string, res: ServerResponse): void {
  if (!rendererBuilt(dir)) {
    sendError(res, 503, `the renderer is not built in ${dir}: run \`npm run build:renderer\``);
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    sendError(res, 400, 'malformed path');
    return;
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(dir, relative);
  if (file !== dir && !file.startsWith(dir + path.sep)) {
    sendError(res, 404, 'not found');
    return;
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    sendError(res, 404, `not found: ${decoded}`);
    return;
  }
  if (!stat.isFile()) {
    sendError(res, 404, `not found: ${decoded}`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    // Built assets carry content hashes in their names; index.html must be re-read on each load.
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=31536000, immutable',
  });
  fs.createReadStream(file).pipe(res);
}
