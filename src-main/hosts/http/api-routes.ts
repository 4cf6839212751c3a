// The service API over HTTP: `POST /api/<method>` with the arguments as a JSON array, answered
// with the result as JSON. The methods callable and the checks on their arguments are the
// service's one table (HOST_ARGUMENTS), the same the Electron host's IPC uses; this module reads
// the request and turns failures into `{ error }` with a status.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { DecodeError } from '../../decode/errors.ts';
import { LibraryError } from '../../index/library.ts';
import { isPooledMethod, type ReadPool } from '../../service/read-pool.ts';
import { TIMELINE_BYTES_TYPE } from '../../service/timeline-codec.ts';
import { ServiceBusy } from '../../service/sql-pool.ts';
import type { GoroscopeApi } from '../../service/types.ts';
import { invokeChecked, InvalidArgument, isHostMethod, type HostMethod } from '../../service/validate.ts';
import { sendBytes, sendError, sendJson, sendJsonText } from './responses.ts';

const MAX_BODY_BYTES = 1 << 20;

/** Errors caused by the request (bad arguments, unknown artefacts, unreadable files): 400, not 500. */
function isClientError(e: unknown): boolean {
  return e instanceof InvalidArgument || e instanceof LibraryError || e instanceof DecodeError;
}

/**
 * Callable over HTTP: the methods of the hosts' table (not `indexFile`, which would block the
 * server; startIndex runs in a worker). With `pool`, its methods are answered by its workers as
 * JSON text, validated there by the same table; the timeline as bytes when the client accepts
 * them (timeline-codec.ts: the renderer does, tools and tests get JSON).
 */
export async function handleApiCall(service: Pick<GoroscopeApi, HostMethod>, method: string, req: IncomingMessage, res: ServerResponse,
  pool?: ReadPool): Promise<void> {
  if (!isHostMethod(method)) {
    sendError(res, 404, `no API method "${method}"`);
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, 405, `API methods are called with POST, not ${req.method}`);
    return;
  }
  // A cross-site form can post text/plain without a preflight; only JSON is accepted.
  if (!req.headers['content-type']?.startsWith('application/json')) {
    sendError(res, 415, 'API requests must have Content-Type: application/json');
    return;
  }
  let args: unknown;
  try {
    const body = await readBody(req, MAX_BODY_BYTES);
    args = body.length === 0 ? [] : JSON.parse(body);
  } catch (e) {
    sendError(res, 400, e instanceof SyntaxError ? `request body is not JSON: ${e.message}` : (e as Error).message);
    return;
  }
  if (!Array.isArray(args)) {
    sendError(res, 400, 'the request body must be a JSON array of arguments');
    return;
  }
  try {
    if (pool && method === 'timeline' && req.headers.accept === TIMELINE_BYTES_TYPE) {
      sendBytes(res, 200, TIMELINE_BYTES_TYPE, await pool.callBytes(method, args));
    } else if (pool && isPooledMethod(method)) sendJsonText(res, 200, await pool.callJson(method, args));
    else sendJson(res, 200, await invokeChecked(service, method, args));
  } catch (e) {
    if (isClientError(e)) {
      sendError(res, 400, (e as Error).message);
    } else if (e instanceof ServiceBusy) {
      res.setHeader('Retry-After', '1');
      sendError(res, 503, e.message);
    } else {
      process.stderr.write(`goroscope serve: ${method} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      sendError(res, 500, `${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
