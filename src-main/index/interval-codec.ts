// Packed interval chunks: how goroutine intervals are stored in the index.
//
// Why not one SQL row per interval: a busy 162 MB Go 1.27 trace has 30 M goroutine intervals;
// as rows they took 35 s to insert, 21 s to index and 1.35 GB on disk (8.3× the trace),
// measured with a prototype. Packed into chunks of a few hundred intervals they take ~4 bytes
// each, and a timeline window reads a handful of chunks per row.
//
// A chunk holds consecutive intervals of one goroutine, in time order and contiguous (each
// starts where the previous ended). Per interval:
//   head byte: state (bits 0–2) | has value (bit 3) | has stack (bit 4) | open (bit 5) | has proc (bit 6)
//              | has thread (bit 7)
//   duration [uvarint value] [uvarint stack ID] [uvarint proc + 1] [uvarint thread + 1]
// A duration is stored in ticks of the trace's clock (meta ns_per_tick): uvarint (ticks × 2 +
// corrected), then, when corrected, uvarint zigzag(ns − round(ticks × ns per tick)). Event times
// are whole ticks converted to ns, so nearly every duration is a whole number of ticks (99.7% on
// a Go 1.27 trace; the rest are off by a nanosecond of rounding): storing ns took a byte more
// per interval, 24 MB on a 168 MB trace.
// `value` is the reason string ID; stack IDs refer to the stacks table. `thread` is the M a
// Running or Syscall goroutine was on, `proc` the P a Running goroutine ran on: both are
// recorded only when they change, so an interval of those states without the bit has the
// chunk's last recorded one (M IDs are OS thread IDs, 3 bytes each: written every time they
// cost 100 MB on a 168 MB trace). Which goroutine ran on which P when (the proc_intervals SQL
// table) is read from the Running intervals: storing it a second time, per P, took a sixth of
// the index.
//
// Short form: an interval with one of the four commonest heads (SHORT_HEADS: 86% of a 226 MB
// trace's intervals) lasting whole ticks puts its head and the low bits of its duration in one
// byte, whose state bits read 6 or 7 (no state has those codes):
//   bit 0 more | bits 1–2 set | bits 3–4 its index in SHORT_HEADS | bits 5–7 ticks mod 8
//   [uvarint ticks ÷ 8, when more], then the fields its head says, as above.
// An interval of under 8 ticks, 64–1023 or 8192–131071 then takes a byte less: 0.4 bytes an interval,
// 15 MB on that trace.

import { GO_STATE } from '../decode/gotrace/go-states.ts';
import { ByteReader, ByteWriter } from './varint.ts';

/** `thread` and `proc` are −1 when none was recorded (or for states that have none). */
export interface IntervalVisitor {
  (start: number, end: number, state: number, value: number, stack: number, open: boolean, thread: number, proc: number): boolean | void;
}

const HAS_VALUE = 1 << 3;
const HAS_STACK = 1 << 4;
const OPEN = 1 << 5;
const HAS_PROC = 1 << 6;
const HAS_THREAD = 1 << 7;
/** The states whose intervals carry a thread; Running ones carry a proc too. */
const { Running: RUNNING, Runnable: RUNNABLE, Waiting: WAITING, Syscall: SYSCALL } = GO_STATE;
/** The heads with a short form, by their index in it: Running, Runnable, Waiting with a reason and stack, Syscall with a stack. */
const SHORT_HEADS: readonly number[] = [RUNNING, RUNNABLE, WAITING | HAS_VALUE | HAS_STACK, SYSCALL | HAS_STACK];
/** Each head byte's index in SHORT_HEADS, −1 for the others. */
const SHORT_INDEX = Int8Array.from({ length: 256 }, (_, head) => SHORT_HEADS.indexOf(head));
/** A short form's state bits (1–2 set), and its bit 0, set when ticks ÷ 8 follow. */
const SHORT = 6;
const SHORT_MORE = 1;

/** A chunk is written out once it holds this many intervals or bytes (rows stay within a page). */
export const CHUNK_INTERVALS = 256;
export const CHUNK_BYTES = 1536;

/** The ns per tick that durations are stored with: the trace's, or 1 when it has none that helps. */
export function storedNsPerTick(nsPerTick: number): number {
  return Number.isFinite(nsPerTick) && nsPerTick >= 1 ? nsPerTick : 1;
}

/** The ns per tick an index's durations are stored with (meta ns_per_tick), from its database. */
export function indexNsPerTick(db: { prepare(sql: string): { pluck(): { get(): unknown } } }): number {
  const v = Number(db.prepare("SELECT value FROM meta WHERE key = 'ns_per_tick'").pluck().get());
  if (!(v >= 1)) throw new Error('the index has no ns_per_tick: expected one in meta (schema 15 and later)');
  return v;
}

/** Writes a duration (or any time difference ≥ 0) in ticks plus a correction (see above). */
export function writeDuration(w: ByteWriter, ns: number, nsPerTick: number): void {
  const ticks = Math.round(ns / nsPerTick);
  const correction = ns - Math.round(ticks * nsPerTick);
  if (correction === 0) {
    w.uvarint(ticks * 2);
  } else {
    w.uvarint(ticks * 2 + 1);
    w.svarint(correction);
  }
}

export function readDuration(r: ByteReader, nsPerTick: number): number {
  const v = r.uvarint();
  const ns = Math.round(Math.floor(v / 2) * nsPerTick);
  if (v % 2 === 0) return ns;
  return ns + r.svarint();
}

/**
 * Appends a goroutine's intervals, one after the other, to a growable byte buffer, a chunk at a
 * time. Intervals are given by duration: times past 2^30 ns are doubles, which V8 boxes when
 * they are passed to a function that is not inlined (this is called for every transition;
 * passing start and end took 600 MB of garbage on a 168 MB trace), where durations are small
 * integers.
 */
export class ChunkEncoder {
  private readonly bytes = new ByteWriter();
  count = 0;
  /** Encoded bytes so far. */
  get byteLength(): number {
    return this.bytes.length;
  }
  /** Start of the chunk's first interval. */
  start = 0;
  /** End of the chunk's last interval. */
  end = 0;
  /** The last thread and proc recorded in the chunk (−1: none). */
  private thread = -1;
  private proc = -1;

  /** `nsPerTick`: see storedNsPerTick(). */
  constructor(private readonly nsPerTick: number) {}

  /** Starts a goroutine's intervals at `start`; the encoder must be empty (taken). */
  begin(start: number): void {
    if (this.count !== 0) throw new Error('ChunkEncoder.begin: the encoder holds intervals not taken');
    this.start = this.end = start;
  }

  /** Appends the interval from the end of the last one (or the start) lasting `duration` ns; `thread`, `proc`: −1 for none. */
  add(duration: number, state: number, value: number, stack: number, open: boolean, thread: number, proc: number): void {
    const newThread = (state === RUNNING || state === SYSCALL) && thread !== this.thread;
    const newProc = state === RUNNING && proc !== this.proc;
    const w = this.bytes;
    const head = (state & 7) | (value !== 0 ? HAS_VALUE : 0) | (stack !== 0 ? HAS_STACK : 0) | (open ? OPEN : 0) | (newProc ? HAS_PROC : 0)
      | (newThread ? HAS_THREAD : 0);
    const short = SHORT_INDEX[head];
    const ticks = Math.round(duration / this.nsPerTick);
    if (short >= 0 && duration === Math.round(ticks * this.nsPerTick)) {
      const low = ticks % 8;
      w.byte(SHORT | (ticks >= 8 ? SHORT_MORE : 0) | (short << 3) | (low << 5));
      if (ticks >= 8) w.uvarint((ticks - low) / 8);
    } else {
      w.byte(head);
      writeDuration(w, duration, this.nsPerTick);
    }
    if (value !== 0) w.uvarint(value);
    if (stack !== 0) w.uvarint(stack);
    if (newProc) {
      w.uvarint(proc + 1);
      this.proc = proc;
    }
    if (newThread) {
      w.uvarint(thread + 1);
      this.thread = thread;
    }
    this.end += duration;
    this.count++;
  }

  /**
   * The encoded chunk, without a copy: valid until the next add() (a RowSink reads it during
   * push). The encoder starts a new chunk where this one ended.
   */
  take(): Uint8Array {
    this.count = 0;
    this.start = this.end;
    this.thread = -1;
    this.proc = -1;
    return this.bytes.view();
  }
}

/**
 * Decodes a chunk whose first interval starts at `start`, calling `visit` for each interval in
 * order; stops early when `visit` returns false. `nsPerTick`: the index's (meta ns_per_tick).
 */
export function decodeChunk(data: Uint8Array, start: number, nsPerTick: number, visit: IntervalVisitor): void {
  const r = new ByteReader(data);
  let t = start;
  let lastThread = -1;
  let lastProc = -1;
  while (!r.done) {
    let head = r.byte();
    let end: number;
    if ((head & SHORT) === SHORT) {
      const ticks = head & SHORT_MORE ? (head >> 5) + r.uvarint() * 8 : head >> 5;
      end = t + Math.round(ticks * nsPerTick);
      head = SHORT_HEADS[(head >> 3) & 3];
    } else {
      end = t + readDuration(r, nsPerTick);
    }
    const value = head & HAS_VALUE ? r.uvarint() : 0;
    const stack = head & HAS_STACK ? r.uvarint() : 0;
    const state = head & 7;
    if (head & HAS_PROC) lastProc = r.uvarint() - 1;
    if (head & HAS_THREAD) lastThread = r.uvarint() - 1;
    const thread = state === RUNNING || state === SYSCALL ? lastThread : -1;
    const proc = state === RUNNING ? lastProc : -1;
    if (visit(t, end, state, value, stack, (head & OPEN) !== 0, thread, proc) === false) return;
    t = end;
  }
}
