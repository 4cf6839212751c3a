// Runs the contract on one input at a time in a worker thread, with a watchdog: an input that
// takes longer than the timeout is a hang (the worker is stopped and a fresh one started), one
// that outgrows the worker's heap limit is a memory failure.

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../src-main/runtime/start-worker.ts';
import type { Verdict } from './contract.ts';
import type { ArtefactKind } from './seeds.ts';

export interface Checked {
  readonly verdict: Verdict;
  /** Wall time of the check in the worker (the timeout for a hang). */
  readonly ms: number;
}

export class WatchedChecker {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; resolve: (c: Checked) => void; timer: NodeJS.Timeout; started: number } | null = null;
  /** Workers started (one more after each hang or memory failure). */
  starts = 0;

  constructor(private readonly timeoutMs: number, private readonly heapLimitMb: number) {}

  check(kind: ArtefactKind, name: string, bytes: Uint8Array): Promise<Checked> {
    if (this.pending) throw new Error('one input at a time');
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Checked>((resolve) => {
      const timer = setTimeout(() => this.fail('hang', `no result after ${this.timeoutMs} ms`), this.timeoutMs);
      this.pending = { id, resolve, timer, started: performance.now() };
      worker.postMessage({ id, kind, name, bytes });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'worker', { resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb } });
    this.starts++;
    worker.on('message', (m: { id: number; verdict: Verdict; ms: number }) => {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      clearTimeout(p.timer);
      this.pending = null;
      p.resolve({ verdict: m.verdict, ms: m.ms });
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (this.worker !== worker) return;
      const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(memory ? 'memory' : 'worker', memory ? `over the ${this.heapLimitMb} MB heap limit` : `${e.name}: ${e.message}`);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.fail('worker', 'the worker exited');
    });
    this.worker = worker;
    return worker;
  }

  /** Ends the pending check with a broken rule and replaces the worker. */
  private fail(rule: 'hang' | 'memory' | 'worker', detail: string): void {
    const p = this.pending;
    const w = this.worker;
    this.worker = null;
    this.pending = null;
    if (w) void w.terminate();
    if (!p) return;
    clearTimeout(p.timer);
    p.resolve({ verdict: { outcome: rule, broken: rule, detail }, ms: performance.now() - p.started });
  }
}
