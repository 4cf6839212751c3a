// Files dropped on the page: `POST /api/upload?name=…` streams the body to a file under the
// library's uploads/ directory (never held in memory), then starts its indexing like any path.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** A file name safe to create: the last path component, unusual characters replaced, length capped. */
export function safeUploadName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned || 'upload';
}

/**
 * Writes the request body to `<dir>/<random>/<name>` and returns that path: the file keeps its
 * name (the library shows it) and two uploads of the same name never collide. It is written under
 * a `.part` name and renamed when complete, so an interrupted upload is never indexed.
 */
export async function receiveUpload(req: IncomingMessage, dir: string, name: string | null): Promise<string> {
  const unique = path.join(dir, randomBytes(6).toString('hex'));
  fs.mkdirSync(unique, { recursive: true });
  const target = path.join(unique, safeUploadName(name));
  const part = `${target}.part`;
  try {
    await pipeline(req, fs.createWriteStream(part, { flags: 'wx' }));
    fs.renameSync(part, target);
  } catch (e) {
    fs.rmSync(unique, { recursive: true, force: true });
    throw e;
  }
  return target;
}
