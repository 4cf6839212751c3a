// JSON responses of the localhost host. Errors are one line: `{ "error": "…" }`.

import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body === undefined ? null : body));
}

/** `data`: JSON text made elsewhere (a query worker's answer). */
export function sendJsonText(res: ServerResponse, status: number, data: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-store' });
  res.end(data);
}

export function sendBytes(res: ServerResponse, status: number, type: string, data: Uint8Array): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': data.byteLength, 'Cache-Control': 'no-store' });
  res.end(data);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message.split('\n')[0] });
}
