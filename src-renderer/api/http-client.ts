// The API client of `goroscope serve`: each call is `POST /api/<method>` with the arguments as a
// JSON array; job updates arrive as server-sent events; dropped files are uploaded.
// The token is the one in the page's URL (the printed URL; hash routes keep it there; kept for the
// tab in sessionStorage), sent as a Bearer header, or in the URL of the event stream, which cannot send headers. There is no cookie:
// a cookie for 127.0.0.1 would go to every server on that address (see src-main/hosts/http/access.ts).

import { ApiError, apiMethods, type ApiClient, type IndexJob } from './client.ts';
import { decodeTimelineWindow, TIMELINE_BYTES_TYPE } from '../../src-main/service/timeline-codec.ts';

/** The token of the printed URL, kept for this tab (sessionStorage is per origin, so per port) once the page has seen it. */
function pageToken(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  try {
    if (fromUrl) sessionStorage.setItem('goroscope-token', fromUrl);
    return fromUrl ?? sessionStorage.getItem('goroscope-token');
  } catch {
    return fromUrl;
  }
}

async function parseResponse(res: Response, what: string): Promise<unknown> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `${what}: HTTP ${res.status}`;
    throw new ApiError(message, res.status);
  }
  return body;
}

export function createHttpClient(): ApiClient {
  const token = pageToken();
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const listeners = new Set<(job: IndexJob) => void>();
  let events: EventSource | null = null;

  function connectEvents(): void {
    events = new EventSource(token ? `/api/events?token=${encodeURIComponent(token)}` : '/api/events');
    events.addEventListener('job', (e) => {
      const job = JSON.parse((e as MessageEvent<string>).data) as IndexJob;
      for (const l of listeners) l(job);
    });
  }

  return {
    ...apiMethods(async (method, args) => {
      // Timeline windows come as bytes (a third of the JSON, and no text to parse) when the host can.
      const accept: Record<string, string> = method === 'timeline' ? { Accept: TIMELINE_BYTES_TYPE } : {};
      const res = await fetch(`/api/${method}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', ...accept, ...auth }, body: JSON.stringify(args),
      });
      if (res.ok && res.headers.get('Content-Type') === TIMELINE_BYTES_TYPE) return decodeTimelineWindow(await res.arrayBuffer());
      return parseResponse(res, method);
    }),
    host: 'http',
    subscribeIndexJobs(listener) {
      listeners.add(listener);
      if (!events) connectEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          events?.close();
          events = null;
        }
      };
    },
    async openDroppedFiles(files) {
      const jobs: IndexJob[] = [];
      // One at a time: uploads share the disk and the one connection budget.
      for (const file of files) {
        const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
          method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...auth }, body: file,
        });
        jobs.push(await parseResponse(res, `upload of ${file.name}`) as IndexJob);
      }
      return jobs;
    },
  };
}
