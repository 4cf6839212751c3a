// The reader of generation-based traces (Go 1.22+): reads one generation at a time, merges its
// threads' events through the ordering state machine, interleaves CPU samples, and emits a Sync
// event before each generation and one at the end (Go's internal/trace/reader.go).

import { DecodeError } from '../../errors.ts';
import type { ByteSource } from '../../source.ts';
import { HEADER_SIZE } from '../header.ts';
import {
  EMPTY_STACK, makeEvent, NO_STACK, NONE,
  type ExperimentalBatch, type SyncData, type TraceEvent, type TraceFormat, type TraceReader,
} from '../model.ts';
import { BatchReader, type Batch } from './batch.ts';
import { BatchCursor, sortFrontier } from './cursor.ts';
import { heapInsert, heapRemove, heapUpdate } from '../time-heap.ts';
import { Generation, type CPUSample } from './generation.ts';
import { Ordering, UnresolvedReference } from './order.ts';
import { Version } from './spec.ts';

const EMPTY_EXPERIMENTS: ReadonlyMap<string, readonly ExperimentalBatch[]> = new Map();
/** No thread's next event can be ordered: what a generation missing some of its batches looks like. */
class OrderingStalled extends DecodeError {}

/** Absolute times below this stay absolute (origin 0): 2^52 ns ≈ 52 days of host uptime. */
const ORIGIN_THRESHOLD_NS = 2 ** 52;

export function createV2Reader(source: ByteSource, format: TraceFormat): TraceReader {
  return new V2Reader(source, format);
}

class V2Reader implements TraceReader {
  readonly timeOrigin: bigint;
  nsPerTick = 0;
  private readonly version: number;
  private readonly batches: BatchReader;
  private readonly order: Ordering;
  private gen: Generation | null = null;
  private frontier: BatchCursor[] = [];
  private cpuSamples: CPUSample[] = [];
  private cpuIdx = 0;
  private syncs = 0;
  /**
   * Time of the last event returned (relative ns); later events are forced strictly after it.
   * Initialized here, not only in the constructor: a field first undefined keeps a tagged
   * representation in V8, and every double stored in it is then a new heap object (one per event).
   */
  private lastTs = 0;
  private done = false;
  /** Format 26: a read error to report after the Sync that follows it. */
  private readGenErr: DecodeError | null = null;
  /** Formats < 26: the first batch of the next generation, read while looking for the end of this one. */
  private spill: Batch | null = null;
  private spillErr: DecodeError | null = null;
  private spillErrSync = false;
  /** Formats < 26: the file ends inside one of the current generation's batches (see explainDamage). */
  private genCut: DecodeError | null = null;
  /**
   * Formats < 26: the current generation ends the file without its string table, which the
   * runtime writes last: the file was likely cut before it (see explainDamage).
   */
  private genEndsWithoutStrings = false;
  private closed = false;

  constructor(private readonly source: ByteSource, readonly format: TraceFormat) {
    this.version = Number(format.slice(2));
    this.batches = new BatchReader(source, HEADER_SIZE);
    this.order = new Ordering(source.name);
    this.timeOrigin = this.chooseOrigin();
    this.lastTs = Number(-this.timeOrigin);
  }

  get bytesRead(): number {
    return this.batches.offset;
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.source.close();
    }
  }

  /**
   * Event times are relative to an origin so that they stay exact as doubles: 0 unless the
   * trace's clock is past 2^52 ns, then the first batch's time rounded down to a second.
   */
  private chooseOrigin(): bigint {
    const head = this.source.read(HEADER_SIZE, 64);
    let pos = 0;
    if (head[pos] === 0x31) pos += 2; // experimental batch: type and experiment bytes
    else if (head[pos] === 0x01) pos += 1;
    else return 0n;
    const values: number[] = [];
    for (let k = 0; k < 3; k++) {
      let v = 0;
      let mul = 1;
      for (;;) {
        if (pos >= head.length) return 0n;
        const b = head[pos++];
        v += (b & 0x7f) * mul;
        mul *= 128;
        if (b < 0x80) break;
      }
      values.push(v);
    }
    // The frequency is unknown yet; the runtime's clock is nanotime/64 except on Windows.
    const approxNs = values[2] * 64;
    if (approxNs < ORIGIN_THRESHOLD_NS) return 0n;
    return (BigInt(Math.floor(approxNs)) / 1_000_000_000n) * 1_000_000_000n;
  }

  /** Absolute trace units → ns relative to the origin, exactly as Go rounds them. */
  private toRelNs(units: number, nsPerUnit: number): number {
    const ns = Math.trunc(units * nsPerUnit);
    return this.timeOrigin === 0n ? ns : Number(BigInt(ns) - this.timeOrigin);
  }

  next(): TraceEvent | null {
    if (this.done) return null;
    let ev: TraceEvent | null;
    try {
      ev = this.nextUnfixed();
    } catch (e) {
      throw this.explainDamage(e);
    }
    if (ev === null) return null;
    // Monotonic fix-up: every event is strictly later than the previous one.
    if (ev.time <= this.lastTs) (ev as { time: number }).time = this.lastTs + 1;
    this.lastTs = ev.time;
    return ev;
  }

  private nextUnfixed(): TraceEvent | null {
    const queued = this.order.next();
    if (queued) return queued;
    const gen = this.gen;
    const frontier = this.frontier;
    if (frontier.length === 0 && this.cpuIdx >= this.cpuSamples.length) {
      return this.version < Version.Go126 ? this.nextGenWithSpill() : this.nextGenWithEndMarker();
    }
    if (this.cpuIdx < this.cpuSamples.length &&
      (frontier.length === 0 || this.cpuSamples[this.cpuIdx].time < frontier[0].ev.time)) {
      return this.sampleEvent(this.cpuSamples[this.cpuIdx++]);
    }
    if (!this.tryAdvance(0, gen!)) {
      sortFrontier(frontier);
      let success = false;
      for (let i = 1; i < frontier.length; i++) {
        if (this.tryAdvance(i, gen!)) {
          success = true;
          break;
        }
      }
      if (!success) {
        const head = frontier[0].ev;
        throw new OrderingStalled(this.source.name, head.offset, 'corrupt',
          `broken trace in generation ${gen!.gen}: no thread's next event can be ordered (failed to advance); expected causally consistent batches`);
      }
    }
    const ev = this.order.next();
    if (!ev) throw new Error('invariant violation: advance successful, but queue is empty');
    return ev;
  }

  /**
   * Ordering fails in a generation the file ends inside of (Go would call it a broken trace):
   * that is the truncation, reported where the file ends. A generation that merely ends the
   * file without its string table only explains events naming stacks or strings it lacks, and
   * events that cannot be ordered for want of the batches after the cut (Go's own synthetic
   * test traces have no tables, and some break other rules on purpose).
   */
  private explainDamage(e: unknown): unknown {
    const g = this.gen;
    // The cut itself, reported after the generation's events, needs no explaining.
    if (!(e instanceof DecodeError) || !g || e === this.spillErr || e === this.readGenErr) return e;
    const lost = `its events from byte ${e.offset} on are lost`;
    if (this.genCut) return this.incompleteGeneration(this.genCut, g, lost, e.detail);
    if (this.genEndsWithoutStrings && (e instanceof UnresolvedReference || e instanceof OrderingStalled)) {
      return this.incompleteGeneration(null, g, lost, `no string table, which the runtime writes last; ${e.detail}`);
    }
    return e;
  }

  /**
   * A generation lost to a file that ends inside it: where the file ends (`cause`, or a batch
   * boundary), which generation, what of it is lost, and the symptom Go would report.
   */
  private incompleteGeneration(cause: DecodeError | null, g: Generation, lost: string, symptom: string): DecodeError {
    const where = cause ? cause.detail.replace(/ \(trace likely truncated\)$/, '') : `trace ends at a batch boundary inside generation ${g.gen}`;
    return new DecodeError(this.source.name, this.source.size, 'truncated',
      `${where}; generation ${g.gen} (from byte ${g.firstOffset}) is incomplete: ${lost} [${symptom}] (trace likely truncated)`);
  }

  private tryAdvance(i: number, gen: Generation): boolean {
    const bc = this.frontier[i];
    if (!this.order.advance(bc.ev, gen, bc.m, gen.gen, bc)) return false;
    if (bc.next()) heapUpdate(this.frontier, i);
    else heapRemove(this.frontier, i);
    return true;
  }

  private sampleEvent(s: CPUSample): TraceEvent {
    // A sample with stack 0 still has a (present, empty) stack in Go's model.
    const stack = s.stackID === 0 ? EMPTY_STACK : this.gen!.stack(s.stackID);
    return makeEvent('StackSample', s.time, s.thread, s.proc, s.goroutine, stack, null);
  }

  private syncEvent(time: number, gen: Generation | null): TraceEvent {
    this.syncs++;
    let data: SyncData = { n: this.syncs, clockSnapshot: null, experimentalBatches: EMPTY_EXPERIMENTS };
    if (gen) {
      data = {
        n: this.syncs,
        clockSnapshot: gen.hasClockSnapshot
          ? { trace: this.toRelNs(gen.snapTime, gen.nsPerUnit), mono: gen.snapMono, wallSec: gen.snapSec, wallNsec: gen.snapNsec }
          : null,
        experimentalBatches: gen.experimentalBatches,
      };
    }
    return makeEvent('Sync', time, NONE, NONE, NONE, NO_STACK, data);
  }

  /** Format 26: generations end with an explicit marker. */
  private nextGenWithEndMarker(): TraceEvent | null {
    if (this.readGenErr) {
      this.done = true;
      throw this.readGenErr;
    }
    let gen: Generation | null;
    try {
      gen = this.readGenerationUntilMarker();
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      // Go reports a Sync for what was delivered, then the error.
      this.readGenErr = e;
      this.gen = null;
      return this.syncEvent(this.lastTs, null);
    }
    return this.installGen(gen);
  }

  private readGenerationUntilMarker(): Generation | null {
    const g = new Generation(this.source.name, this.version);
    let any = false;
    for (;;) {
      let b;
      try {
        b = this.batches.next();
      } catch (e) {
        if (any && e instanceof DecodeError && e.code === 'truncated') {
          throw this.incompleteGeneration(e, g, 'none of its events are read', 'no end-of-generation marker');
        }
        throw e;
      }
      if (b === 'eof') {
        if (any) {
          throw new DecodeError(this.source.name, this.source.size, 'truncated',
            `trace ends inside generation ${g.gen} (from byte ${g.firstOffset}): expected an end-of-generation marker, ` +
            `so none of the generation's events are read (trace likely truncated)`);
        }
        return null;
      }
      if (b === 'end-of-generation') break;
      any = true;
      if (g.gen === 0) g.gen = b.gen;
      if (b.gen === 0) throw new DecodeError(this.source.name, b.offset, 'corrupt', 'invalid generation number 0: expected a positive generation');
      if (b.gen !== g.gen) {
        throw new DecodeError(this.source.name, b.offset, 'corrupt',
          `batch of generation ${b.gen} inside generation ${g.gen}: expected an end-of-generation marker first`);
      }
      g.add(b);
    }
    g.finish(this.batches.offset, (u) => this.toRelNs(u, g.nsPerUnit));
    return g;
  }

  /** Formats 22–25: a generation ends where a batch of the next one begins. */
  private nextGenWithSpill(): TraceEvent | null {
    if (this.spillErr) {
      if (this.spillErrSync) {
        this.done = true;
        throw this.spillErr;
      }
      this.spillErrSync = true;
      return this.syncEvent(this.lastTs, null);
    }
    if (this.gen !== null && this.spill === null) {
      this.done = true;
      return this.syncEvent(this.lastTs, null);
    }
    let gen: Generation | null = null;
    try {
      gen = this.readGenerationWithSpill();
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.spillErr = e;
    }
    if (gen === null) {
      this.gen = null;
      this.spillErrSync = true;
      if (!this.spillErr) {
        this.done = true;
      }
      return this.syncEvent(this.lastTs, null);
    }
    return this.installGen(gen);
  }

  /**
   * Reads one generation for formats < 26. A read error after some batches of the generation is
   * kept in spillErr and reported after the generation's events, as Go does.
   */
  private readGenerationWithSpill(): Generation {
    const g = new Generation(this.source.name, this.version);
    if (this.spill) {
      g.gen = this.spill.gen;
      g.add(this.spill);
      this.spill = null;
    }
    let atEnd = false;
    for (;;) {
      let b;
      try {
        b = this.batches.next();
      } catch (e) {
        if (e instanceof DecodeError && g.gen !== 0) {
          this.spillErr = e;
          break;
        }
        throw e;
      }
      if (b === 'eof') {
        atEnd = true;
        break;
      }
      if (b === 'end-of-generation') {
        throw new DecodeError(this.source.name, this.batches.offset - 1, 'corrupt',
          `end-of-generation marker in a go ${this.format} trace: expected a batch header`);
      }
      if (b.gen === 0) throw new DecodeError(this.source.name, b.offset, 'corrupt', 'invalid generation number 0: expected a positive generation');
      if (g.gen === 0) g.gen = b.gen;
      if (b.gen === g.gen + 1) {
        this.spill = b;
        break;
      }
      if (b.gen !== g.gen) {
        throw new DecodeError(this.source.name, b.offset, 'corrupt',
          `generations out of order: batch of generation ${b.gen} while reading generation ${g.gen}`);
      }
      g.add(b);
    }
    // Go reads a generation that fails its checks as corrupt; when the file ends inside it, the
    // truth is that it was cut (its frequency or tables never came).
    const cut = this.spillErr?.code === 'truncated' ? this.spillErr : null;
    try {
      g.finish(this.batches.offset, (u) => this.toRelNs(u, g.nsPerUnit));
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const symptom = e.detail.replace(/^generation \d+: /, '');
      const lost = 'none of its events are read';
      if (cut) throw this.incompleteGeneration(cut, g, lost, symptom);
      if (atEnd && g.stringBatches === 0) throw this.incompleteGeneration(null, g, lost, `no string table, which the runtime writes last; ${symptom}`);
      throw e;
    }
    // The runtime starts every generation with the status of each P and goroutine: one without
    // any event batch at the end of the file is what is left of a cut one.
    if (atEnd && g.batches.size === 0 && g.stringBatches === 0) {
      throw this.incompleteGeneration(null, g, 'none of its events are read', 'nothing after its frequency batch');
    }
    this.genCut = cut;
    this.genEndsWithoutStrings = atEnd && g.stringBatches === 0;
    return g;
  }

  private installGen(gen: Generation | null): TraceEvent {
    if (gen === null) {
      this.gen = null;
      this.done = true;
      return this.syncEvent(this.lastTs, null);
    }
    this.gen = gen;
    this.batches.release(gen.gen);
    this.cpuSamples = gen.cpuSamples;
    this.cpuIdx = 0;
    this.frontier = [];
    const nsPerUnit = gen.nsPerUnit;
    this.nsPerTick = nsPerUnit;
    const baseNs = (units: number) => this.toRelNs(units, nsPerUnit);
    for (const [m, batches] of gen.batches) {
      const bc = new BatchCursor(m, batches, this.source.name, baseNs, nsPerUnit);
      if (bc.next()) heapInsert(this.frontier, bc);
    }
    return this.syncEvent(this.toRelNs(gen.minTs, nsPerUnit), gen);
  }
}
