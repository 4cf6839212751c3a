// The service's read-only queries answered on worker threads, so that a slow one (a detail
// panel's unblock edges, a GC report over a 200 MB trace: seconds of SQLite and decoding) never
// holds up the timeline's tiles behind it. better-sqlite3 is synchronous: on the host's own
// thread every query waits for the one before it, and in the desktop app it would also freeze
// the main process (menus, window moves) while it runs.
//
// Each worker (read-worker.ts) runs its own GoroscopeService over the same library, opening the
// indexes read-only; calls go to an idle worker, and wait in two queues when every worker is
// busy: the timeline canvas's own requests (tiles, lanes, the row list...) first, everything else
// after, and never on the last idle worker, which stays for the canvas.
// Library changes (indexing, removing, renaming) stay on the host's service: the workers see
// them through the catalogue, which every call reads.

import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { DecodeError } from '../decode/errors.ts';
import { LibraryError } from '../index/library.ts';
import { startWorker } from '../runtime/start-worker.ts';
import { ServiceBusy } from './sql-pool.ts';
import { encodeTimelineWindow } from './timeline-codec.ts';
import type { GoroscopeApi } from './types.ts';
import type { HostMethod } from './validate.ts';
import { InvalidArgument } from './validate.ts';

/** Methods answered by the workers: reads of indexes, no library change, no callbacks. */
export const POOLED_METHODS = [
  'summary', 'timeline', 'timelineLanes', 'timelineInterval', 'timelineEdges', 'timelineRangeStats', 'timelineSearch',
  'timelineAnnotations', 'timelineClock', 'goroutine', 'goroutines', 'ranges', 'metric', 'goroutineCounts',
  'profileTop', 'profileFlame', 'dumpGroups', 'blocking', 'blockingProfile', 'blockingFlame', 'leaks', 'triage',
  'goroutineGroups', 'durationHistograms', 'compareTraces', 'dumpAt', 'gc', 'diffDumps', 'report', 'goroutinesDump',
] as const satisfies readonly HostMethod[];
export type PooledMethod = (typeof POOLED_METHODS)[number];

/**
 * What the timeline's canvas draws with (its rows, lanes, arrows, annotations, hover, summary
 * lanes and GC bands): served before anything else waiting, and never left without a worker.
 */
const URGENT: ReadonlySet<string> = new Set<PooledMethod>(['timeline', 'timelineLanes', 'goroutines', 'summary', 'timelineEdges',
  'timelineAnnotations', 'timelineInterval', 'ranges', 'metric', 'goroutineCounts']);

/**
 * Answered by the first worker only: the P/M lanes are built once per index in the memory of the
 * worker that answers, in one pass over every interval (seconds near their 3 M-interval limit).
 * Every worker built its own, each holding up the rows' tiles behind it; now one builds and keeps
 * them, and the others go on with the rows.
 */
const FIRST_WORKER_ONLY: ReadonlySet<string> = new Set<PooledMethod>(['timelineLanes']);

/** The first call of `queue` that worker `slot` may answer, taken off the queue. */
function takeFor(queue: Pending[], slot: number): Pending | undefined {
  const k = queue.findIndex((p) => slot === 0 || !FIRST_WORKER_ONLY.has(p.call.method));
  return k < 0 ? undefined : queue.splice(k, 1)[0];
}

export function defaultPoolSize(): number {
  return Math.min(4, Math.max(1, os.availableParallelism()));
}

export function isPooledMethod(method: string): method is PooledMethod {
  return (POOLED_METHODS as readonly string[]).includes(method);
}

/** How a worker hands a result back: as a value (structured clone), JSON text, or bytes (see BYTE_ENCODED). */
export type ReadEncoding = 'value' | 'json' | 'bytes';

/** Methods whose results also travel as bytes, with their encoders (the HTTP host's Accept). */
export const BYTE_ENCODED = { timeline: encodeTimelineWindow } as const;
export type ByteEncodedMethod = keyof typeof BYTE_ENCODED;

/** A call sent to a worker. `args` are as a page sent them (validated there by HOST_ARGUMENTS) unless `validated`. */
export interface ReadCall {
  id: number;
  method: PooledMethod;
  args: readonly unknown[];
  validated: boolean;
  encoding: ReadEncoding;
}

/** The error classes a host tells apart (client errors are 400, busy 503), carried by name. */
export type ReadErrorKind = 'invalid' | 'library' | 'decode' | 'busy' | 'other';

export type ReadReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; kind: ReadErrorKind; message: string };

export function errorKind(e: unknown): ReadErrorKind {
  if (e instanceof InvalidArgument) return 'invalid';
  if (e instanceof LibraryError) return 'library';
  if (e instanceof DecodeError) return 'decode';
  if (e instanceof ServiceBusy) return 'busy';
  return 'other';
}

/** The worker's error again as its class, so hosts map it as they would the service's own. */
function rebuildError(kind: ReadErrorKind, message: string): Error {
  switch (kind) {
    case 'invalid': return new InvalidArgument(message);
    case 'library': return new LibraryError(message);
    case 'busy': return new ServiceBusy(message);
    case 'decode': {
      // Only the message travels; a DecodeError's fields are for the decoder's callers.
      const e = Object.create(DecodeError.prototype) as DecodeError;
      Object.defineProperty(e, 'message', { value: message });
      return e;
    }
    default: return new Error(message);
  }
}

export interface ReadWorkerData {
  libraryDir: string;
}

interface Pending {
  call: ReadCall;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

export class ReadPool {
  private readonly slots: Slot[] = [];
  private readonly urgent: Pending[] = [];
  private readonly other: Pending[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * `size`: worker threads (default: one per CPU, at most 4). `workerFile`: the bundled
   * read-worker.js, for the desktop app (whose bundle has no import.meta.url to find it by).
   */
  constructor(private readonly libraryDir: string, size = defaultPoolSize(), private readonly workerFile?: string) {
    for (let i = 0; i < size; i++) this.slots.push(this.startSlot());
  }

  /** The method's result (structured-cloned), `args` as a page sent them unless `validated`. */
  call(method: PooledMethod, args: readonly unknown[], validated = false): Promise<unknown> {
    return this.submit({ id: this.nextId++, method, args, validated, encoding: 'value' });
  }

  /** The method's result as JSON text, `args` as a page sent them. */
  callJson(method: PooledMethod, args: readonly unknown[]): Promise<string> {
    return this.submit({ id: this.nextId++, method, args, validated: false, encoding: 'json' }) as Promise<string>;
  }

  /** The method's result as bytes (its BYTE_ENCODED encoder, run in the worker), `args` as a page sent them. */
  callBytes(method: ByteEncodedMethod, args: readonly unknown[]): Promise<Uint8Array> {
    return this.submit({ id: this.nextId++, method, args, validated: false, encoding: 'bytes' }) as Promise<Uint8Array>;
  }

  /** Calls running on a worker, and waiting for one. */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.filter((s) => s.busy).length, waiting: this.urgent.length + this.other.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of [...this.urgent.splice(0), ...this.other.splice(0)]) p.reject(new ServiceBusy('the service is closing'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private submit(call: ReadCall): Promise<unknown> {
    if (this.closed) return Promise.reject(new ServiceBusy('the service is closing'));
    return new Promise((resolve, reject) => {
      (URGENT.has(call.method) ? this.urgent : this.other).push({ call, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const [i, slot] of this.slots.entries()) {
      if (slot.busy) continue;
      // The others leave one worker free for the canvas (a goroutine's detail or a GC report can
      // take seconds on a large trace, and two of them held up every tile behind them).
      const idle = this.slots.filter((s) => !s.busy).length;
      const next = takeFor(this.urgent, i) ?? (idle > 1 || this.slots.length === 1 ? takeFor(this.other, i) : undefined);
      if (!next) continue;
      slot.busy = next;
      slot.worker.ref();
      slot.worker.postMessage(next.call);
    }
  }

  private startSlot(): Slot {
    const workerData: ReadWorkerData = { libraryDir: this.libraryDir };
    const worker = this.workerFile ? new Worker(this.workerFile, { workerData }) : startWorker(import.meta.url, 'read-worker', { workerData });
    // An idle worker does not keep the process alive; a busy one does (ref'd while it works).
    worker.unref();
    const slot: Slot = { worker, busy: null };
    worker.on('message', (reply: ReadReply) => {
      const p = slot.busy;
      slot.busy = null;
      slot.worker.unref();
      if (p && p.call.id === reply.id) {
        if (reply.ok) p.resolve(reply.value);
        else p.reject(rebuildError(reply.kind, reply.message));
      }
      this.dispatch();
    });
    worker.on('error', (e) => this.replace(slot, e));
    worker.on('exit', (code) => { if (!this.closed) this.replace(slot, new Error(`a query worker exited (code ${code})`)); });
    return slot;
  }

  /** A worker that died fails its call and is replaced, so one crash never stalls the pool. */
  private replace(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    slot.busy?.reject(new Error(`${slot.busy.call.method} failed: ${e.message}`));
    slot.busy = null;
    void slot.worker.terminate();
    this.slots[i] = this.startSlot();
    this.dispatch();
  }
}

/**
 * `api` with its pooled methods answered by `pool` instead: for a host that validates the
 * arguments itself before calling (the desktop app's IPC dispatch).
 */
export function pooledApi<M extends HostMethod>(api: Pick<GoroscopeApi, M>, pool: ReadPool): Pick<GoroscopeApi, M> {
  const pooled: Record<string, unknown> = {};
  for (const method of POOLED_METHODS) pooled[method] = (...args: unknown[]) => pool.call(method, args, true);
  return new Proxy(api, {
    get: (target, key, receiver) => (typeof key === 'string' && Object.hasOwn(pooled, key) ? pooled[key] : Reflect.get(target, key, receiver)),
  });
}
