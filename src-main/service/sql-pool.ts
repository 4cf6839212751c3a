// SQL console queries, each run in a process of its own (sql-worker) that is killed at the
// query's time limit: a query busy inside SQLite cannot be interrupted from JS, not even by
// terminating a worker thread. A process per query also hands all its memory back when it ends.
//
// The processes are a bounded pool per host process (every window and service share it): at most
// `maxRunning` run at once and `maxWaiting` wait for a turn; a query beyond that is refused at
// once (ServiceBusy), and one that waits past its time limit is stopped like one that ran past it.
// The worker stops reading rows at the row limit or once the rows would take more than
// MAX_RESULT_BYTES, so the host never receives more than that for one query.
//
// Hosts that are plain Node (the CLI, `goroscope serve`) fork a Node child process. The Electron
// app starts an Electron utility process instead (useQueryProcesses in its main process): forking
// Electron's own binary as Node needs the runAsNode fuse, which the packaged app turns off.

import { fork } from 'node:child_process';
import * as os from 'node:os';
import { InvalidArgument } from './validate.ts';

/** What a worker is sent: one query over one index. */
export interface QueryJob {
  dbPath: string;
  sql: string;
  rowLimit: number;
  /** The rows sent back take at most about this many bytes (as UTF-8 text). */
  byteLimit: number;
}

export type QueryReply =
  | { ok: true; columns: string[]; rows: unknown[][]; truncated: boolean }
  | { ok: false; error: string };

/** A running sql-worker, whichever kind of process runs it. */
export interface QueryProcess {
  send(job: QueryJob): void;
  /** Calls `listener` with the worker's one reply. */
  onReply(listener: (reply: QueryReply) => void): void;
  /** Calls `listener` once the process has ended, whether by itself, killed, or never started. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type QueryProcessLauncher = () => QueryProcess;

/** A request refused because the host is at its limit of concurrent work (HTTP 503). */
export class ServiceBusy extends Error {}

/** The rows of one result, as UTF-8 text, are capped at this (a SQL console shows a few screens of them). */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;
/** The JavaScript heap of a Node query process. */
const WORKER_HEAP_MB = 512;

/** sql-worker in a Node child process (the CLI and `goroscope serve`). */
export function forkQueryProcess(): QueryProcess {
  const fromSources = import.meta.url.endsWith('.ts');
  const file = new URL(`./sql-worker${fromSources ? '.ts' : '.js'}`, import.meta.url);
  const child = fork(file, [], {
    execArgv: [...(fromSources ? ['--import', 'tsx'] : []), `--max-old-space-size=${WORKER_HEAP_MB}`],
    serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  let exited = false;
  const exitListeners: ((code: number | null) => void)[] = [];
  const exit = (code: number | null) => {
    if (exited) return;
    exited = true;
    for (const l of exitListeners) l(code);
  };
  child.once('exit', (code) => exit(code));
  // A process that could not be started (EAGAIN: too many processes) emits 'error' and maybe no 'exit'.
  child.once('error', () => exit(null));
  return {
    send: (job) => void child.send(job, (e) => e && child.kill('SIGKILL')),
    onReply: (listener) => void child.once('message', (m) => listener(m as QueryReply)),
    onExit: (listener) => void exitListeners.push(listener),
    kill: () => void child.kill('SIGKILL'),
  };
}

export class QueryPool {
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(private launch: QueryProcessLauncher, readonly maxRunning: number, readonly maxWaiting: number) {}

  /** Starts queries in processes from `launch` from now on. */
  useLauncher(launch: QueryProcessLauncher): void {
    this.launch = launch;
  }

  /** Queries running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Runs `job` when a process is free; the rows, or InvalidArgument for a failed query, one that
   * took longer than `timeLimitMs` (waiting included), or a process that died; ServiceBusy when
   * too many queries are waiting already.
   */
  async run(job: QueryJob, timeLimitMs: number): Promise<{ columns: string[]; rows: unknown[][]; truncated: boolean }> {
    const deadline = performance.now() + timeLimitMs;
    const overTime = () => new InvalidArgument(`query stopped after the time limit of ${timeLimitMs} ms`);
    // A turn is counted from when it is given until the process has ended, not merely answered:
    // a killed process holds its memory until it is gone.
    if (this.running < this.maxRunning) {
      this.running++;
    } else {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ServiceBusy(`too many SQL queries at once (${this.running} running, ${this.waiting.length} waiting): try again when one has finished`);
      }
      await new Promise<void>((resolve, reject) => {
        const turn = { start: () => {
          clearTimeout(timer);
          this.running++;
          resolve();
        } };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(turn), 1);
          reject(overTime());
        }, timeLimitMs);
        this.waiting.push(turn);
      });
    }
    const release = () => {
      this.running--;
      this.waiting.shift()?.start();
    };
    let child: QueryProcess;
    try {
      child = this.launch();
    } catch (e) {
      release();
      throw new InvalidArgument(`query process failed to start: ${e instanceof Error ? e.message : String(e)}`);
    }
    child.onExit(release);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill();
        outcome();
      };
      const timer = setTimeout(() => settle(() => reject(overTime())), Math.max(0, deadline - performance.now()));
      child.onReply((m) => settle(() => {
        if (m.ok) resolve({ columns: m.columns, rows: m.rows, truncated: m.truncated });
        else reject(new InvalidArgument(m.error.split('\n')[0]));
      }));
      child.onExit((code) => settle(() => reject(new InvalidArgument(`query process failed (exit ${code ?? 'signal'})`))));
      child.send(job);
    });
  }
}

/** The pool of this host process. */
export const queryPool = new QueryPool(forkQueryProcess, Math.max(2, Math.min(4, os.availableParallelism())), 16);

/** Hosts with processes of their own kind (Electron's utility processes) start queries in those. */
export function useQueryProcesses(launch: QueryProcessLauncher): void {
  queryPool.useLauncher(launch);
}
