// What the TraceIndexer hands the GoroutineIndexer: goroutine transitions and user regions as
// numeric records packed in slabs (Float64Arrays), in trace order. Following goroutines (their
// intervals, totals and rows) is two fifths of indexing a trace; as records it can run on the
// thread that writes the database, which otherwise waits for the decoding one (row-channel.ts
// carries the slabs), or on the same thread for small traces.
//
// A record is RECORD_SLOTS numbers; slot 0 is its code, slot 1 its time (ns since the first
// event) where it has one:
//   transitionCode(from, to, blocking kind): goroutine, reason, stack, thread, proc, the other
//     goroutine (its creator when from is NotExist, its waker on an unblock edge, −1 otherwise),
//     the event's stack (the creator's or waker's stack, or the goroutine's own)
//     (state codes as in the schema's GO_STATES; blocking kind as blockingKindCode codes the kind
//     the goroutine enters). Status restatements (from = to) are never sent.
//   REGION_BEGIN, REGION_END: goroutine, task, type (string ID)
//   END: the trace's last event time; the stream ends
//   CLOCK: ns per tick as stored (in slot 1), before any transition
//   NAME: stack ID (slot 1), the name (string ID) of a goroutine first seen with that stack
//   SYNC: a generation began (a Sync event) at slot 1's time

export const RECORD_SLOTS = 9;
export const CLOCK = 1;
export const NAME = 2;
export const REGION_BEGIN = 3;
export const REGION_END = 4;
export const END = 5;
export const SYNC = 6;
export const TRANSITION = 16;

// Where each field of a record is, from the record's start (slot 0 is the code). Enums, which
// the compiled build inlines as numbers.
/** A transition record's fields. */
export enum TransitionSlot { Time = 1, Goroutine = 2, Reason = 3, Stack = 4, Thread = 5, Proc = 6, Other = 7, EventStack = 8 }
/** A REGION_BEGIN or REGION_END record's fields. */
export enum RegionSlot { Time = 1, Goroutine = 2, Task = 3, Type = 4 }
/** A NAME record's fields. */
export enum NameSlot { Stack = 1, Name = 2 }
/** The field of a CLOCK record (ns per tick as stored) and of END and SYNC records (their time). */
export const VALUE_SLOT = 1;

/** The code of a transition record (see above). */
export function transitionCode(from: number, to: number, blockingKind: number): number {
  return TRANSITION + (blockingKind << 6) + (from << 3) + to;
}
/** A transition code's parts, from `code - TRANSITION`. */
export const transitionTo = (flags: number): number => flags & 7;
export const transitionFrom = (flags: number): number => (flags >> 3) & 7;
export const transitionBlockingKind = (flags: number): number => flags >> 6;

/** Records per slab (~1.2 MB). */
export const SLAB_RECORDS = 1 << 14;

/** Where slabs come from and go to. */
export interface SlabChannel {
  /** A slab to fill (SLAB_RECORDS records); may wait until one is free. */
  acquire(): Float64Array;
  /** Hands over the first `records` records of the slab last acquired; it is not written again until acquired again. */
  emit(slab: Float64Array, records: number): void;
}

/** A channel of one slab, consumed at once on this thread. */
export function directSlabs(consume: (slab: Float64Array, records: number) => void): SlabChannel {
  const slab = new Float64Array(SLAB_RECORDS * RECORD_SLOTS);
  return { acquire: () => slab, emit: consume };
}

/**
 * Packs records into slabs. Hot callers write a record's slots themselves: `record(code)` returns
 * where it starts in `slab` (read `slab` after the call: it may be a fresh one). Times are written
 * that way too: passed to a call that is not inlined, a time past 2^30 ns is a new heap number.
 */
export class GoroutineEventWriter {
  slab: Float64Array;
  private at = 0;
  /** Whether `slab` was handed over already: the next record needs a fresh one. */
  private emitted = false;

  constructor(private readonly channel: SlabChannel) {
    this.slab = channel.acquire();
  }

  /** Starts a record with `code`; returns its offset in `slab`. */
  record(code: number): number {
    if (this.at === this.slab.length) this.flush();
    if (this.emitted) {
      this.slab = this.channel.acquire();
      this.emitted = false;
    }
    const o = this.at;
    this.slab[o] = code;
    this.at = o + RECORD_SLOTS;
    return o;
  }

  /** Hands over the records written so far. */
  flush(): void {
    if (this.at === 0) return;
    this.channel.emit(this.slab, this.at / RECORD_SLOTS);
    this.at = 0;
    this.emitted = true;
  }
}
