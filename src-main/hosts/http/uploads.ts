// Files dropped on the page: `POST /api/upload?name=…` streams the body to a file under the
// library's uploads/ directory (never held in memory, refused past a size limit), then starts its
// indexing like any path. Uploaded files live as long as an artefact refers to them: the janitor
// deletes the ones nothing refers to any more (removed artefacts, failed or cancelled indexings,
// and copies whose content the library already had).

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { processAlive } from '../../index/library.ts';
import type { GoroscopeApi } from '../../service/types.ts';

export const DEFAULT_MAX_UPLOAD_MB = 4096;
const MB = 1024 * 1024;

/** An upload larger than the host accepts (HTTP 413). */
export class UploadTooLarge extends Error {
  constructor(name: string, readonly limitBytes: number) {
    super(`upload of ${name} refused: it is larger than the limit of ${limitBytes / MB} MB (goroscope serve --max-upload-mb N raises it)`);
  }
}

/** A file name safe to create: the last path component, unusual characters replaced, length capped. */
export function safeUploadName(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^\.+/, '').slice(0, 120);
  return cleaned || 'upload';
}

/**
 * The name an upload is written under until complete: `.upload-<pid>.part`, which no uploaded
 * file can be named (safeUploadName drops leading dots), naming the process that writes it.
 */
const PART_FILE = /^\.upload-(\d+)\.part$/;

/**
 * Writes the request body to `<dir>/<random>/<name>` and returns that path: the file keeps its
 * name (the library shows it) and two uploads of the same name never collide. It is written under
 * a temporary name and renamed when complete, so an interrupted upload is never indexed. A body
 * larger than `maxBytes` (announced by Content-Length, or counted while streaming) throws
 * UploadTooLarge and leaves nothing behind. `janitor` keeps the upload's directory from its
 * creation until the caller releases it (once the upload's indexing has started).
 */
export async function receiveUpload(req: IncomingMessage, dir: string, name: string | null, maxBytes = DEFAULT_MAX_UPLOAD_MB * MB,
  janitor?: UploadJanitor): Promise<string> {
  const fileName = safeUploadName(name);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new UploadTooLarge(fileName, maxBytes);
  // Absolute: the service indexes only absolute paths.
  const unique = path.join(path.resolve(dir), randomBytes(6).toString('hex'));
  janitor?.hold(unique);
  fs.mkdirSync(unique, { recursive: true });
  const target = path.join(unique, fileName);
  const part = path.join(unique, `.upload-${process.pid}.part`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > maxBytes ? new UploadTooLarge(fileName, maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(req, limit, fs.createWriteStream(part, { flags: 'wx' }));
    fs.renameSync(part, target);
  } catch (e) {
    fs.rmSync(unique, { recursive: true, force: true });
    janitor?.release(unique);
    throw e;
  }
  return target;
}

/**
 * Deletes uploaded files that no artefact and no unfinished indexing refers to, and what uploads
 * that failed left behind. An upload's directory is kept while it is held (being received, its
 * indexing being started) or while another live process writes into it.
 */
export class UploadJanitor {
  /** Upload directories being received, or whose indexing is being started. */
  private readonly held = new Set<string>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string, private readonly service: Pick<GoroscopeApi, 'listArtefacts' | 'indexJobs'>) {}

  /** Keeps the upload directory `dir` until release(). */
  hold(dir: string): void {
    this.held.add(path.resolve(dir));
  }

  release(dir: string): void {
    this.held.delete(path.resolve(dir));
  }

  /** Runs one sweep after any sweep in progress; resolves with the files deleted. */
  sweep(): Promise<string[]> {
    const result = this.running.then(() => this.sweepOnce());
    this.running = result.then(() => undefined, () => undefined);
    return result;
  }

  private async sweepOnce(): Promise<string[]> {
    if (!fs.existsSync(this.dir)) return [];
    const [artefacts, jobs] = await Promise.all([this.service.listArtefacts(), this.service.indexJobs()]);
    const inUse = new Set<string>([...artefacts.map((a) => path.resolve(a.path)),
      ...jobs.filter((j) => j.state === 'queued' || j.state === 'running').map((j) => path.resolve(j.file))]);
    const removed: string[] = [];
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const unique = path.join(this.dir, entry.name);
      if (this.held.has(unique)) continue;
      const files = fs.readdirSync(unique);
      // An upload another process is still receiving is not ours to judge (whatever the file's own name).
      if (files.some((f) => processAlive(Number(PART_FILE.exec(f)?.[1])))) continue;
      if (files.some((f) => inUse.has(path.join(unique, f)))) continue;
      fs.rmSync(unique, { recursive: true, force: true });
      removed.push(...files.map((f) => path.join(unique, f)));
    }
    return removed;
  }
}
