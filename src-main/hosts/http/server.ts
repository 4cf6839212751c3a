// The localhost host: one node:http server that serves the built renderer and the service API to
// whoever holds the launch token (the renderer's built assets to anyone: see access.ts). Routes:
//   GET  /, /assets/…        the renderer (dist/renderer/)
//   POST /api/<method>       a service call, arguments as a JSON array (api-routes.ts)
//   GET  /api/events         index-job progress as server-sent events (job-events.ts)
//   POST /api/upload?name=…  a dropped file, streamed to disk then indexed (uploads.ts)

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ReadPool } from '../../service/read-pool.ts';
import type { GoroscopeApi, IndexJob } from '../../service/types.ts';
import { AccessToken, hostAllowed, isPublicAsset } from './access.ts';
import { handleApiCall } from './api-routes.ts';
import { JobEventStreams } from './job-events.ts';
import { sendError, sendJson } from './responses.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { serveStatic } from './static-files.ts';
import { DEFAULT_MAX_UPLOAD_MB, receiveUpload, UploadJanitor, UploadTooLarge } from './uploads.ts';

/** The service as a host sees it: the API plus the job subscription hosts forward. */
export interface HostedService extends GoroscopeApi {
  onIndexJob(listener: (job: IndexJob) => void): () => void;
}

export interface ServeOptions {
  service: HostedService;
  /** Answers the service's read-only methods on worker threads (see read-pool.ts); without it, `service` answers all. */
  readPool?: ReadPool;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Where uploads are written (the library's uploads/ directory). */
  uploadsDir: string;
  /** Uploads larger than this are refused with 413 (default DEFAULT_MAX_UPLOAD_MB). */
  maxUploadMb?: number;
  host: string;
  /** 0 for a free port chosen by the system. */
  port: number;
  token?: AccessToken;
}

export interface RunningServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: AccessToken;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? new AccessToken();
  const rendererDir = path.resolve(options.rendererDir);
  const streams = new JobEventStreams();
  const janitor = new UploadJanitor(options.uploadsDir, options.service);
  const sweep = () => janitor.sweep().catch((e: unknown) => process.stderr.write(`goroscope serve: cleaning uploads: ${e instanceof Error ? e.message : String(e)}\n`));
  const unsubscribe = options.service.onIndexJob((job) => {
    streams.publish(job);
    // A failed or cancelled indexing, or a copy of content already indexed, leaves an upload nothing refers to.
    if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') void sweep();
  });
  const maxUploadBytes = (options.maxUploadMb ?? DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024;
  let port = options.port;

  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req, res).catch((e: unknown) => {
      process.stderr.write(`goroscope serve: ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}\n`);
      sendError(res, 500, e instanceof Error ? e.message : String(e));
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, options.host, port)) {
      sendError(res, 403, 'unexpected Host header');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!isPublicAsset(req.method, url.pathname) && !token.check(req, url)) {
      sendError(res, 403, 'missing or wrong token: open the URL goroscope serve printed');
      return;
    }
    // Same-origin pages only: a browser names the page's origin on cross-origin requests.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      sendError(res, 403, `requests from ${origin} are refused`);
      return;
    }
    const p = url.pathname;
    if (p === '/api/events' && req.method === 'GET') {
      streams.open(res, await options.service.indexJobs());
    } else if (p === '/api/upload') {
      if (req.method !== 'POST') {
        sendError(res, 405, 'uploads are sent with POST');
        return;
      }
      let file: string;
      try {
        file = await receiveUpload(req, options.uploadsDir, url.searchParams.get('name'), maxUploadBytes, janitor);
      } catch (e) {
        if (!(e instanceof UploadTooLarge)) throw e;
        // The rest of the body is not read: close the connection once the answer is sent.
        res.setHeader('Connection', 'close');
        sendError(res, 413, e.message);
        return;
      }
      try {
        sendJson(res, 200, await options.service.startIndex(file));
      } finally {
        janitor.release(path.dirname(file));
      }
    } else if (p.startsWith('/api/')) {
      const method = p.slice('/api/'.length);
      await handleApiCall(options.service, method, req, res, options.readPool);
      // Removing an artefact that came from an upload deletes the uploaded file too.
      if (method === 'removeArtefact') await sweep();
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      serveStatic(rendererDir, p, res);
    } else {
      sendError(res, 405, `${req.method} is not allowed here`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token.value}`,
    port,
    token,
    close: () => new Promise<void>((resolve) => {
      unsubscribe();
      streams.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
