// Index jobs for hosts with a UI (Electron, `goroscope serve`): files are indexed in a worker
// thread, so the host's event loop stays responsive, with progress events and cancellation. Jobs
// run one at a time, in the order started (two indexings would only compete for the same cores),
// in one long-lived worker: starting a worker from sources costs seconds on a busy machine.
// A trace is indexed in passes (index-snapshots.ts): each partial pass is catalogued and reported
// as the job's `snapshot`, so that its views open within seconds and grow while the job runs.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/start-worker.ts';
import type { Artefact, IndexProgress, PartialContent, PartialStop } from '../index/library.ts';
import type { TraceSummary } from '../analyze/trace-summary.ts';
import type { DecodeErrorCode } from '../decode/errors.ts';
import type { ArtefactInfo, IndexJob } from './types.ts';

export interface IndexWorkerData {
  libraryDir: string;
}

/** A job sent to the worker. */
export interface IndexWorkerJob {
  file: string;
  /** One Int32: set to 1 to cancel. */
  cancelFlag: SharedArrayBuffer;
  /** Re-index even when indexed already. */
  force?: boolean;
  /** Stop a trace at a generation boundary (Ctrl-C in the CLI); what was read is kept, marked partial, only with keepPartial. */
  stop?: PartialStop;
  keepPartial?: boolean;
  /** Index a trace in passes, cataloguing a partial snapshot after each but the last (index-snapshots.ts): the app's jobs. */
  snapshots?: boolean;
}

export type IndexWorkerMessage =
  | { type: 'progress'; progress: IndexProgress }
  /** A snapshot of the job (a partial index) is catalogued: its views can open while the job goes on. */
  | { type: 'snapshot'; artefact: Artefact }
  | { type: 'done'; artefact: Artefact; reused: boolean }
  | { type: 'cancelled' }
  /** Stopped early (IndexWorkerJob.stop) and not kept: the summary of what was read. */
  | { type: 'stopped'; summary: TraceSummary; partial: PartialContent; totalBytes: number }
  /** `kind` says which error it was: bad input (decode), the library's storage, or a bug. */
  | { type: 'failed'; error: string; kind?: 'decode' | 'library' | 'other'; decode?: { file: string; offset: number; code: DecodeErrorCode; detail: string } };

/** Finished jobs kept for indexJobs(). */
const KEEP_FINISHED = 100;

interface JobState {
  job: IndexJob;
  cancelFlag: SharedArrayBuffer;
}

export class IndexJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly listeners = new Set<(job: IndexJob) => void>();
  private nextId = 1;
  private running: JobState | null = null;
  /** The worker, started with the first job and kept (unreferenced while idle). */
  private worker: Worker | null = null;

  /**
   * `workerFile` overrides where the worker's entry is (a bundled app passes its built
   * index-worker file); by default it is index-worker.ts/.js beside this module.
   */
  constructor(private readonly libraryDir: string, private readonly toInfo: (a: Artefact) => ArtefactInfo,
    private readonly workerFile?: string) {}

  start(file: string): IndexJob {
    const abs = path.resolve(file);
    const state: JobState = {
      job: { id: `job-${this.nextId++}`, file: abs, state: 'queued', progress: { phase: 'hashing', bytes: 0, totalBytes: 0, events: 0, etaSeconds: null } },
      cancelFlag: new SharedArrayBuffer(4),
    };
    this.jobs.set(state.job.id, state);
    this.emit(state);
    this.runNext();
    return { ...state.job };
  }

  list(): IndexJob[] {
    return [...this.jobs.values()].map((s) => ({ ...s.job }));
  }

  cancel(id: string): boolean {
    const s = this.jobs.get(id);
    if (!s || (s.job.state !== 'queued' && s.job.state !== 'running')) return false;
    if (s.job.state === 'queued') {
      this.finish(s, { state: 'cancelled' });
    } else {
      Atomics.store(new Int32Array(s.cancelFlag), 0, 1);
    }
    return true;
  }

  /** Calls `listener` on every change of any job; returns the unsubscribe function. */
  subscribe(listener: (job: IndexJob) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels everything and stops the worker. */
  async close(): Promise<void> {
    for (const s of this.jobs.values()) this.cancel(s.job.id);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private runNext(): void {
    if (this.running) return;
    const next = [...this.jobs.values()].find((s) => s.job.state === 'queued');
    if (!next) {
      this.worker?.unref();
      return;
    }
    this.running = next;
    next.job.state = 'running';
    this.emit(next);
    const worker = this.ensureWorker();
    worker.ref();
    const job: IndexWorkerJob = { file: next.job.file, cancelFlag: next.cancelFlag, snapshots: true };
    worker.postMessage(job);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startIndexWorker({ libraryDir: this.libraryDir }, this.workerFile);
    worker.on('message', (m: IndexWorkerMessage) => {
      const s = this.running;
      if (!s) return;
      switch (m.type) {
        case 'progress':
          s.job.progress = m.progress;
          this.emit(s);
          return;
        case 'snapshot':
          s.job.snapshot = this.toInfo(m.artefact);
          this.emit(s);
          return;
        case 'done':
          this.finish(s, { state: 'done', artefact: this.toInfo(m.artefact), reused: m.reused });
          break;
        case 'cancelled':
          this.finish(s, { state: 'cancelled' });
          break;
        case 'failed':
          this.finish(s, { state: 'failed', error: m.error });
          break;
      }
      // Its passes after a snapshot ran below normal priority, which a thread may not undo: the next job gets a new worker.
      if (s.job.snapshot) this.retireWorker(worker);
      this.running = null;
      this.runNext();
    });
    worker.on('error', (e) => this.workerLost(worker, `indexing failed: ${e.message}`));
    worker.on('exit', () => this.workerLost(worker, 'the indexing worker stopped unexpectedly'));
    this.worker = worker;
    return worker;
  }

  /** Stops the worker once it is idle; the next job starts a new one. */
  private retireWorker(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    void worker.terminate();
  }

  /** The worker died: its job fails, and the next job starts a new worker. */
  private workerLost(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const s = this.running;
    this.running = null;
    if (s) this.finish(s, { state: 'failed', error: `${s.job.file}: ${why}` });
    this.runNext();
  }

  private finish(s: JobState, outcome: Partial<IndexJob> & { state: IndexJob['state'] }): void {
    if (s.job.state !== 'queued' && s.job.state !== 'running') return;
    Object.assign(s.job, outcome);
    if (outcome.state === 'done') s.job.progress = { ...s.job.progress, phase: 'done', bytes: s.job.progress.totalBytes, etaSeconds: 0 };
    this.emit(s);
    this.forgetOldJobs();
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((s) => s.job.state !== 'queued' && s.job.state !== 'running');
    for (const s of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(s.job.id);
  }

  private emit(s: JobState): void {
    const copy = { ...s.job };
    for (const l of this.listeners) l(copy);
  }
}

/**
 * Indexes one file in a worker thread of its own and stops the worker (the CLI's `index`): this
 * thread's event loop stays free for Ctrl-C, which raises `job.stop`'s flag.
 */
export function indexInWorker(libraryDir: string, job: IndexWorkerJob, onProgress: (p: IndexProgress) => void): Promise<IndexWorkerMessage> {
  const worker = startIndexWorker({ libraryDir }, undefined);
  return new Promise<IndexWorkerMessage>((resolve, reject) => {
    worker.on('message', (m: IndexWorkerMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else resolve(m);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the indexing worker stopped unexpectedly (exit ${code})`)));
    worker.postMessage(job);
  }).finally(() => void worker.terminate());
}

/** Starts the worker: an explicit file (a bundled app's), or index-worker beside this module. */
function startIndexWorker(data: IndexWorkerData, workerFile: string | undefined): Worker {
  if (workerFile) return new Worker(workerFile, { workerData: data });
  return startWorker(import.meta.url, 'index-worker', { workerData: data });
}
