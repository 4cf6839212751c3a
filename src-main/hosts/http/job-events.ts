// Index-job progress as server-sent events (`GET /api/events`): every open page sees the jobs
// that exist when it connects, then each update as `event: job`. Progress of a running job is
// sent at most every PROGRESS_INTERVAL_MS; state changes are sent at once.

import type { ServerResponse } from 'node:http';
import type { IndexJob } from '../../service/types.ts';

const PROGRESS_INTERVAL_MS = 100;
/** A comment line now and then keeps proxies and idle timers from closing the stream. */
const HEARTBEAT_MS = 15_000;

export class JobEventStreams {
  private readonly streams = new Set<ServerResponse>();
  private readonly pending = new Map<string, IndexJob>();
  private readonly lastState = new Map<string, IndexJob['state']>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Starts an event stream on `res`, first replaying `current`. */
  open(res: ServerResponse, current: IndexJob[]): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    for (const job of current) res.write(frame(job));
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  /** Queues a job update for every stream. */
  publish(job: IndexJob): void {
    const changed = this.lastState.get(job.id) !== job.state;
    this.lastState.set(job.id, job.state);
    this.pending.set(job.id, job);
    if (changed) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), PROGRESS_INTERVAL_MS);
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const res of this.streams) res.end();
    this.streams.clear();
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    this.write(jobs.map(frame).join(''));
  }

  private write(data: string): void {
    if (data) for (const res of this.streams) res.write(data);
  }
}

function frame(job: IndexJob): string {
  return `event: job\ndata: ${JSON.stringify(job)}\n\n`;
}
