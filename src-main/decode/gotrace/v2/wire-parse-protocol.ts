// What the decoding thread and its wire-parsing thread share: the worker's data, the messages it
// posts, and the slots of the shared Int32Array they wait on (Atomics.wait: the decoder's API is
// synchronous, so the decoding thread blocks rather than awaits).

import type { MessagePort } from 'node:worker_threads';
import { MAX_BATCH_SIZE } from './spec.ts';

export interface WireParseWorkerData {
  /** The trace file; the worker reads it on its own. */
  readonly path: string;
  /** Where parsed batches go, and the numbers of the slots the decoding thread is done with come back. */
  readonly port: MessagePort;
  /** Int32Array over a SharedArrayBuffer of CONTROL_SLOTS slots. */
  readonly control: Int32Array;
  /**
   * POOL_SLOTS slots of SLOT_INTS int32s each, where the worker writes parsed batches. Shared
   * once rather than an ArrayBuffer transferred per batch: each transfer is external memory to
   * the receiving heap, and 2 600 of them (a 168 MB trace) cost the decoding thread 0.8 s of
   * garbage collections.
   */
  readonly pool: SharedArrayBuffer;
}

/** A batch body is at most MAX_BATCH_SIZE bytes, and each byte yields at most one int32. */
export const SLOT_INTS = MAX_BATCH_SIZE;
/**
 * Slots in the pool: the batches parsed ahead (WINDOW_BYTES of full 64 KiB batches) plus the
 * one each thread's cursor is reading. With none free the worker skips a batch, which the
 * decoding thread then decodes itself.
 */
export const POOL_SLOTS = 128;

/** Posted by the worker. */
export interface ParsedBatchMessage {
  /** File offset of the batch body. */
  readonly dataOffset: number;
  /** The pool slot holding its int32s. */
  readonly slot: number;
  readonly length: number;
  /** The values written as WIDE, in order; null for none. */
  readonly wide: number[] | null;
  /** Every batch with a body before this file offset has been posted or will never be. */
  readonly frontier: number;
}
export interface FrontierMessage {
  readonly frontier: number;
}
export type WireParseMessage = ParsedBatchMessage | FrontierMessage;

/** Bumped by the worker after each message, so the decoding thread can wait for the next. */
export const PROGRESS = 0;
/**
 * The worker parses no batch that begins past this, in KiB of file offset: how far ahead of the
 * decoding thread it may run (its parsed batches wait in pool slots until ordered).
 */
export const ALLOWED_KIB = 1;
export const CONTROL_SLOTS = 2;
/**
 * How far past the batch being ordered the worker may parse: more than a generation of a busy
 * server's trace (1–3 MB at the runtime's default of 1 s), so the next generation's batches are
 * parsed while this one is ordered. The decoding thread moves the limit in steps of half this,
 * not per batch: each move wakes the worker.
 */
export const WINDOW_BYTES = 2 << 20;
