// Rows across threads: an indexer running in a worker thread writes into forwarding sinks,
// which send its rows in batches over a MessagePort; the thread that owns the database receives
// them synchronously (receiveMessageOnPort) and inserts them. Decoding and SQLite writes then
// run on two cores. Messages in flight are bounded, so memory is too.

import type Database from 'better-sqlite3';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DecodeError, type DecodeErrorCode } from '../decode/errors.ts';
import { BatchInserter, ROWS_PER_STATEMENT, type RowSink, type RowSinks } from './batch-insert.ts';

/** Slots of the shared Int32Array: messages sent but not yet taken, and messages ever sent. */
const IN_FLIGHT = 0;
const POSTED = 1;
export const SIGNAL_BYTES = 8;
/** At most this many messages wait for the writer (each ≤ BATCHES_PER_MESSAGE batches). */
const MAX_IN_FLIGHT = 16;
const BATCHES_PER_MESSAGE = 32;
/** The writer gives up when the worker sends nothing for this long. */
const SILENCE_LIMIT_MS = 120_000;

export type ForwardedError =
  | { kind: 'decode'; file: string; offset: number; code: DecodeErrorCode; detail: string }
  | { kind: 'other'; message: string };

type ChannelMessage =
  | { type: 'rows'; tables: { index: number; table: string; columns: readonly string[] }[]; batches: [number, unknown[]][]; progress: [number, number] | null }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: ForwardedError };

/** The worker's end: sinks for the indexer, progress, and the outcome. */
export class RowForwarder {
  private readonly signals: Int32Array;
  private newTables: { index: number; table: string; columns: readonly string[] }[] = [];
  private batches: [number, unknown[]][] = [];
  private tableCount = 0;
  private latestProgress: [number, number] | null = null;

  constructor(private readonly port: MessagePort, signals: SharedArrayBuffer) {
    this.signals = new Int32Array(signals);
  }

  readonly sinks: RowSinks = (table, columns) => {
    const index = this.tableCount++;
    this.newTables.push({ index, table, columns });
    return new ForwardingSink(index, columns.length, (values) => {
      this.batches.push([index, values]);
      if (this.batches.length >= BATCHES_PER_MESSAGE) this.send();
    });
  };

  /** Records progress and sends what is buffered, so the writer sees progress (and can cancel) promptly. */
  progress(bytes: number, items: number): void {
    this.latestProgress = [bytes, items];
    this.send();
  }

  finish(result: unknown): void {
    this.send();
    this.post({ type: 'done', result });
    this.port.close();
  }

  fail(e: unknown): void {
    const error: ForwardedError = e instanceof DecodeError
      ? { kind: 'decode', file: e.file, offset: e.offset, code: e.code, detail: e.detail }
      : { kind: 'other', message: e instanceof Error ? e.stack ?? e.message : String(e) };
    this.post({ type: 'failed', error });
    this.port.close();
  }

  private send(): void {
    if (this.batches.length === 0 && this.latestProgress === null) return;
    this.post({ type: 'rows', tables: this.newTables, batches: this.batches, progress: this.latestProgress });
    this.newTables = [];
    this.batches = [];
    this.latestProgress = null;
  }

  private post(m: ChannelMessage): void {
    // Backpressure: wait while the writer is behind.
    for (let n = Atomics.load(this.signals, IN_FLIGHT); n >= MAX_IN_FLIGHT; n = Atomics.load(this.signals, IN_FLIGHT)) {
      Atomics.wait(this.signals, IN_FLIGHT, n, 1000);
    }
    Atomics.add(this.signals, IN_FLIGHT, 1);
    this.port.postMessage(m);
    Atomics.add(this.signals, POSTED, 1);
    Atomics.notify(this.signals, POSTED);
  }
}

class ForwardingSink implements RowSink {
  private buffer: unknown[] = [];

  constructor(private readonly index: number, private readonly columns: number, private readonly emit: (values: unknown[]) => void) {}

  push(...values: unknown[]): void {
    for (let i = 0; i < values.length; i++) this.buffer.push(values[i]);
    if (this.buffer.length === ROWS_PER_STATEMENT * this.columns) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.emit(this.buffer);
    this.buffer = [];
  }
}

/** The database's end: inserts forwarded rows until the worker is done. */
export class RowReceiver {
  private readonly signals: Int32Array;
  private readonly inserters: BatchInserter[] = [];

  constructor(private readonly db: Database.Database, private readonly port: MessagePort, signals: SharedArrayBuffer) {
    this.signals = new Int32Array(signals);
  }

  /** Inserts rows as they come, reporting progress, until the worker's result arrives (returned) or its error (thrown). */
  receive(onProgress: (bytes: number, items: number) => void): unknown {
    let silentSince = performance.now();
    for (;;) {
      const posted = Atomics.load(this.signals, POSTED);
      const received = receiveMessageOnPort(this.port);
      if (!received) {
        if (Atomics.wait(this.signals, POSTED, posted, 1000) === 'timed-out' && performance.now() - silentSince > SILENCE_LIMIT_MS) {
          throw new Error(`the indexing thread sent nothing for ${SILENCE_LIMIT_MS / 1000} s`);
        }
        continue;
      }
      silentSince = performance.now();
      Atomics.sub(this.signals, IN_FLIGHT, 1);
      Atomics.notify(this.signals, IN_FLIGHT);
      const m = received.message as ChannelMessage;
      switch (m.type) {
        case 'rows':
          for (const t of m.tables) this.inserters[t.index] = new BatchInserter(this.db, t.table, t.columns);
          for (const [index, values] of m.batches) this.inserters[index].pushRows(values);
          if (m.progress) onProgress(m.progress[0], m.progress[1]);
          break;
        case 'done':
          for (const ins of this.inserters) ins.flush();
          return m.result;
        case 'failed':
          throw m.error.kind === 'decode' ? new DecodeError(m.error.file, m.error.offset, m.error.code, m.error.detail) : new Error(m.error.message);
      }
    }
  }
}
