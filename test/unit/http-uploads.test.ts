// Uploads to `goroscope serve` (src-main/hosts/http/uploads.ts) over real HTTP with a real
// service: the size limit answers 413 and leaves nothing on disk; an uploaded file lives exactly as
// long as an artefact refers to it (a second copy of the same content replaces the first, removing
// the artefact deletes it).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Library } from '../../src-main/index/library.ts';
import { startServer, type RunningServer } from '../../src-main/hosts/http/server.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import type { ArtefactInfo, IndexJob } from '../../src-main/service/types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DUMP = path.join(ROOT, 'test/fixtures/dumps/leaky.go126.early.debug2.txt');

let dir: string;
let library: Library;
let service: GoroscopeService;
let server: RunningServer;
let uploads: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-uploads-'));
  library = new Library(dir);
  service = new GoroscopeService(library);
  uploads = path.join(dir, 'uploads');
  server = await startServer({ service, rendererDir: path.join(dir, 'no-renderer'), uploadsDir: uploads, host: '127.0.0.1', port: 0, maxUploadMb: 1 });
});

after(async () => {
  await server.close();
  await service.close();
  library.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function post(pathAndQuery: string, body: BodyInit, contentType: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${pathAndQuery}`, {
    method: 'POST', body, headers: { 'Content-Type': contentType, Authorization: `Bearer ${server.token.value}` },
  });
}

async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const res = await post(`/api/${method}`, JSON.stringify(args), 'application/json');
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

async function upload(name: string, bytes: Uint8Array<ArrayBuffer>): Promise<IndexJob> {
  const res = await post(`/api/upload?name=${encodeURIComponent(name)}`, bytes, 'application/octet-stream');
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as IndexJob;
}

async function finished(id: string): Promise<IndexJob> {
  for (;;) {
    const job = (await call<IndexJob[]>('indexJobs')).find((j) => j.id === id)!;
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file under uploads/ (after the janitor's sweep that follows a job's end has run). */
async function uploadedFiles(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 200));
  if (!fs.existsSync(uploads)) return [];
  return fs.readdirSync(uploads).flatMap((d) => fs.readdirSync(path.join(uploads, d)).map((f) => path.join(uploads, d, f))).sort();
}

test('an upload over --max-upload-mb is refused with 413 and a line naming the limit, leaving no file', async () => {
  const res = await post('/api/upload?name=big.trace', new Uint8Array(1024 * 1024 + 1), 'application/octet-stream');
  assert.equal(res.status, 413);
  const body = (await res.json()) as { error: string };
  assert.match(body.error, /^upload of big\.trace refused: it is larger than the limit of 1 MB \(goroscope serve --max-upload-mb N raises it\)$/);
  assert.deepEqual(await uploadedFiles(), []);
  // Streamed without a Content-Length: counted while it is written, refused the same way.
  const chunks = [new Uint8Array(700 * 1024), new Uint8Array(700 * 1024)];
  const stream = new ReadableStream<Uint8Array>({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(next); else c.close(); } });
  const streamed = await fetch(`http://127.0.0.1:${server.port}/api/upload?name=big.trace`, {
    method: 'POST', body: stream, duplex: 'half', headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${server.token.value}` },
  } as RequestInit).catch((e: unknown) => e);
  // The server answers 413 and closes; depending on timing the client sees the answer or the closed socket.
  if (streamed instanceof Response) assert.equal(streamed.status, 413);
  assert.deepEqual(await uploadedFiles(), []);
});

test('an uploaded file is kept while its artefact exists and deleted with it; a second copy replaces the first', async () => {
  const bytes = new Uint8Array(fs.readFileSync(DUMP));
  const first = await finished((await upload('first.txt', bytes)).id);
  assert.equal(first.state, 'done', first.error);
  const [kept] = await uploadedFiles();
  assert.equal(path.basename(kept), 'first.txt');
  assert.equal((await call<ArtefactInfo[]>('listArtefacts'))[0].path, kept);

  // The same content again: the library points at the newer copy, the older one is deleted.
  const second = await finished((await upload('second.txt', bytes)).id);
  assert.equal(second.reused, true);
  const files = await uploadedFiles();
  assert.deepEqual(files.map((f) => path.basename(f)), ['second.txt']);

  // A file that is not an artefact is deleted once its indexing has failed.
  const bad = await finished((await upload('notes.txt', new TextEncoder().encode('hello\n'))).id);
  assert.equal(bad.state, 'failed');
  assert.deepEqual(await uploadedFiles(), files);

  assert.equal(await call<boolean>('removeArtefact', second.artefact!.hash), true);
  assert.deepEqual(await uploadedFiles(), []);
  assert.ok(fs.existsSync(DUMP), 'the original file is only read');
});

test('an upload named *.part is deleted once its indexing has failed; only uploads still being received are kept', async () => {
  // The attack's reproducer: the janitor took any file ending in .part for an upload in progress.
  const bad = await finished((await upload('notes.part', new TextEncoder().encode('hello\n'))).id);
  assert.equal(bad.state, 'failed');
  assert.deepEqual(await uploadedFiles(), []);

  // What an upload in progress looks like: its temporary file names the process receiving it.
  const { spawnSync } = await import('node:child_process');
  const dead = spawnSync('true').pid!;
  const abandoned = path.join(uploads, 'abandoned');
  fs.mkdirSync(abandoned, { recursive: true });
  fs.writeFileSync(path.join(abandoned, `.upload-${dead}.part`), 'half');
  const receiving = path.join(uploads, 'receiving');
  fs.mkdirSync(receiving, { recursive: true });
  fs.writeFileSync(path.join(receiving, `.upload-${process.ppid}.part`), 'half');
  const again = await finished((await upload('again.part', new TextEncoder().encode('hello\n'))).id);
  assert.equal(again.state, 'failed');
  assert.deepEqual(await uploadedFiles(), [path.join(receiving, `.upload-${process.ppid}.part`)]);
  fs.rmSync(receiving, { recursive: true });
});
