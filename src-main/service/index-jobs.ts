// Index jobs for hosts with a UI (Electron, `goroscope serve`): each file is indexed in a worker
// thread, so the host's event loop stays responsive, with progress events and cancellation. Jobs
// run one at a time, in the order started: two indexings would only compete for the same cores.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/start-worker.ts';
import type { Artefact, IndexProgress } from '../index/library.ts';
import type { ArtefactInfo, IndexJob } from './types.ts';

export interface IndexWorkerData {
  libraryDir: string;
  file: string;
  /** One Int32: set to 1 to cancel. */
  cancelFlag: SharedArrayBuffer;
}

export type IndexWorkerMessage =
  | { type: 'progress'; progress: IndexProgress }
  | { type: 'done'; artefact: Artefact; reused: boolean }
  | { type: 'cancelled' }
  | { type: 'failed'; error: string };

/** Finished jobs kept for indexJobs(). */
const KEEP_FINISHED = 100;

interface JobState {
  job: IndexJob;
  cancelFlag: SharedArrayBuffer;
  worker: Worker | null;
}

export class IndexJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly listeners = new Set<(job: IndexJob) => void>();
  private nextId = 1;
  private running: JobState | null = null;

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
      worker: null,
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

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.running || [...this.jobs.values()].some((s) => s.job.state === 'queued')) {
      await new Promise<void>((resolve) => {
        const off = this.subscribe(() => {
          off();
          resolve();
        });
      });
    }
  }

  /** Cancels everything and stops the worker. */
  async close(): Promise<void> {
    for (const s of this.jobs.values()) this.cancel(s.job.id);
    await this.running?.worker?.terminate();
  }

  private runNext(): void {
    if (this.running) return;
    const next = [...this.jobs.values()].find((s) => s.job.state === 'queued');
    if (!next) return;
    this.running = next;
    next.job.state = 'running';
    this.emit(next);
    const data: IndexWorkerData = { libraryDir: this.libraryDir, file: next.job.file, cancelFlag: next.cancelFlag };
    const worker = startIndexWorker(data, this.workerFile);
    next.worker = worker;
    worker.on('message', (m: IndexWorkerMessage) => {
      switch (m.type) {
        case 'progress':
          next.job.progress = m.progress;
          this.emit(next);
          break;
        case 'done':
          this.finish(next, { state: 'done', artefact: this.toInfo(m.artefact), reused: m.reused });
          break;
        case 'cancelled':
          this.finish(next, { state: 'cancelled' });
          break;
        case 'failed':
          this.finish(next, { state: 'failed', error: m.error });
          break;
      }
    });
    worker.on('error', (e) => this.finish(next, { state: 'failed', error: `${next.job.file}: indexing failed: ${e.message}` }));
    worker.on('exit', () => {
      if (next.job.state === 'running') this.finish(next, { state: 'failed', error: `${next.job.file}: the indexing worker stopped unexpectedly` });
      if (this.running === next) this.running = null;
      next.worker = null;
      this.runNext();
    });
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

/** Starts the worker: an explicit file (a bundled app's), or index-worker beside this module. */
function startIndexWorker(data: IndexWorkerData, workerFile: string | undefined): Worker {
  if (workerFile) return new Worker(workerFile, { workerData: data });
  return startWorker(import.meta.url, 'index-worker', { workerData: data });
}
