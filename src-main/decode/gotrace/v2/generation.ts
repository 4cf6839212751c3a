// A generation: every batch written between two trace advances (≈1 s by default), with its own
// string table, stack table, CPU samples and clock. Generations are read whole (their tables may
// follow the events that use them) and then dropped: memory is bounded by the largest one.

import { DecodeError } from '../../errors.ts';
import type { ExperimentalBatch, Stack, StackFrame } from '../model.ts';
import { NO_STACK } from '../model.ts';
import type { Batch } from './batch.ts';
import { EXPERIMENTS, Ev, MAX_FRAMES_PER_STACK, MAX_STRING_SIZE, Version } from './spec.ts';

export interface CPUSample {
  /** ns, relative to the trace's time origin. */
  time: number;
  thread: number;
  proc: number;
  goroutine: number;
  stackID: number;
}

interface RawFrame {
  readonly pc: number;
  readonly funcID: number;
  readonly fileID: number;
  readonly line: number;
}

const utf8 = new TextDecoder('utf-8');
/** IDs below this are cached in arrays; larger (hostile) IDs are resolved without caching. */
const DENSE_LIMIT = 1 << 22;
/**
 * A string ID at most this far past the dense table extends it; one further (a damaged or
 * hostile trace's) goes to the Map: filling the table up to ID 4 M took 350 ms and 32 MB in
 * every generation that named one.
 */
const DENSE_GAP = 1 << 12;

/** Reads uvarints from one batch body, reporting damage with file offsets. */
class BodyReader {
  pos = 0;
  constructor(private readonly file: string, private readonly batch: Batch) {}
  get done(): boolean {
    return this.pos >= this.batch.data.length;
  }
  fail(detail: string, at = this.pos): DecodeError {
    return new DecodeError(this.file, this.batch.dataOffset + at, 'corrupt', detail);
  }
  byte(): number {
    if (this.done) throw this.fail('unexpected end of batch: expected another byte');
    return this.batch.data[this.pos++];
  }
  /** The last uvarint read, as read (without the mapping of 2^64−1 to −1). */
  last = 0;
  /** A uvarint; 2^64−1 (and anything that rounds to 2^64) reads as Go's int64 −1. */
  uvarint(): number {
    const data = this.batch.data;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10 && this.pos < data.length; i++) {
      const b = data[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.last = result;
        return result >= 18446744073709551616 ? -1 : result;
      }
      mul *= 128;
    }
    throw this.fail('invalid or unterminated uvarint: expected a complete uvarint inside the batch');
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.batch.data.length) throw this.fail(`string of ${n} bytes runs past the end of its batch`);
    const b = this.batch.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/** A size as read, for a message: the −1 of a 2^64−1 uvarint shown as what was written. */
function sizeText(n: number): string {
  return n === -1 ? '2^64-1' : String(n);
}

export class Generation {
  gen = 0;
  /** Smallest batch header time of the generation (trace units), over every kind of batch. */
  minTs = -1;
  /** Event batches per thread, in file order; thread order is the order of first appearance. */
  readonly batches = new Map<number, Batch[]>();
  readonly cpuSamples: CPUSample[] = [];
  /** ns per trace clock unit, 0 until the frequency is known. */
  nsPerUnit = 0;
  hasClockSnapshot = false;
  snapTime = 0;
  snapMono = 0n;
  snapSec = 0n;
  snapNsec = 0;
  readonly experimentalBatches = new Map<string, ExperimentalBatch[]>();
  /** File offset of the generation's first batch (−1 before one is added). */
  firstOffset = -1;
  /**
   * Strings batches seen. The runtime writes a generation's string table after everything else
   * in it, so a generation at the end of a file without one was cut (Go's own synthetic test
   * traces aside, which is why this only ever explains an error, never makes one).
   */
  stringBatches = 0;

  /** Strings by ID: dense while the IDs are (the runtime counts from 1), a Map for the others. */
  private readonly denseStrings: (string | undefined)[] = [];
  private readonly strings = new Map<number, string>();
  private readonly rawStacks = new Map<number, number[]>();
  private readonly frames = new Map<number, RawFrame>();
  /** Resolved stacks by ID; IDs are small and dense in practice (the runtime counts from 1). */
  private readonly stackCache: (Stack | undefined)[] = [];
  private readonly frameCache = new Map<number, StackFrame>();

  constructor(private readonly file: string, private readonly version: number) {}

  /** Files one batch under its kind (Go's processBatch). */
  add(b: Batch): void {
    if (this.firstOffset < 0) this.firstOffset = b.offset;
    if (this.minTs < 0 || b.time < this.minTs) this.minTs = b.time;
    const first = b.data.length > 0 ? b.data[0] : -1;
    if (b.exp !== 0) {
      const name = EXPERIMENTS[b.exp] ?? '';
      let list = this.experimentalBatches.get(name);
      if (!list) this.experimentalBatches.set(name, (list = []));
      // A copy: the batch's bytes are in a chunk that is reused once the generation is done.
      list.push({ thread: b.m, data: b.data.slice() });
    } else if (first === Ev.Strings) {
      this.stringBatches++;
      this.addStrings(b);
    } else if (first === Ev.Stacks) {
      this.addStacks(b);
    } else if (first === Ev.CPUSamples) {
      this.addCPUSamples(b);
    } else if ((first === Ev.Frequency && this.version < Version.Go125) || (first === Ev.Sync && this.version >= Version.Go125)) {
      this.setSync(b);
    } else {
      let list = this.batches.get(b.m);
      if (!list) this.batches.set(b.m, (list = []));
      list.push(b);
    }
  }

  private addStrings(b: Batch): void {
    const r = new BodyReader(this.file, b);
    r.byte();
    while (!r.done) {
      const ev = r.byte();
      if (ev !== Ev.String) throw r.fail(`expected a string record (0x05) in a strings batch, found 0x${ev.toString(16)}`);
      const id = r.uvarint();
      const lenAt = r.pos;
      const len = r.uvarint();
      // −1 is how a uvarint of 2^64−1 reads (see uvarint): as a size it is just too large.
      if (len < 0 || len > MAX_STRING_SIZE) throw r.fail(`invalid string size ${sizeText(len)}: expected at most ${MAX_STRING_SIZE}`, lenAt);
      const s = utf8.decode(r.bytes(len));
      if (id === 0 || this.hasString(id)) throw r.fail(`duplicate string ID ${id}: expected unique string IDs within a generation`);
      const dense = this.denseStrings;
      if (id > 0 && id <= dense.length + DENSE_GAP) {
        while (dense.length < id) dense.push(undefined);
        dense[id] = s;
      } else {
        this.strings.set(id, s);
      }
    }
  }

  private addStacks(b: Batch): void {
    const r = new BodyReader(this.file, b);
    r.byte();
    while (!r.done) {
      const ev = r.byte();
      if (ev !== Ev.Stack) throw r.fail(`expected a stack record (0x03) in a stacks batch, found 0x${ev.toString(16)}`);
      const id = r.uvarint();
      const nAt = r.pos;
      const n = r.uvarint();
      if (n < 0 || n > MAX_FRAMES_PER_STACK) throw r.fail(`invalid stack size ${sizeText(n)}: expected at most ${MAX_FRAMES_PER_STACK} frames`, nAt);
      const pcs = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const pc = r.uvarint();
        const funcID = r.uvarint();
        const fileID = r.uvarint();
        const line = r.uvarint();
        pcs[i] = pc;
        // The first definition of a PC in a generation wins, as in Go's reader.
        if (!this.frames.has(pc)) this.frames.set(pc, { pc, funcID, fileID, line });
      }
      if (id === 0 || this.rawStacks.has(id)) throw r.fail(`duplicate stack ID ${id}: expected unique stack IDs within a generation`);
      this.rawStacks.set(id, pcs);
    }
  }

  private addCPUSamples(b: Batch): void {
    const r = new BodyReader(this.file, b);
    r.byte();
    while (!r.done) {
      const ev = r.byte();
      if (ev !== Ev.CPUSample) throw r.fail(`expected a CPU sample record (0x07), found 0x${ev.toString(16)}`);
      const time = r.uvarint();
      const thread = r.uvarint();
      const proc = r.uvarint();
      const g = r.uvarint();
      const stackID = r.uvarint();
      // The time stays in trace units until the generation's frequency is known.
      this.cpuSamples.push({ time, thread, proc, goroutine: g === 0 ? -1 : g, stackID });
    }
  }

  private setSync(b: Batch): void {
    const r = new BodyReader(this.file, b);
    if (this.version >= Version.Go125) r.byte();
    let lastTs = b.time;
    while (!r.done) {
      const ev = r.byte();
      if (ev === Ev.Frequency) {
        if (this.nsPerUnit !== 0) throw r.fail('found a second frequency event: expected one per generation');
        // A uint64 on the wire: the −1 of uvarint() is 2^64−1 here.
        r.uvarint();
        const freq = r.last;
        // Go would divide by zero and time every event +Inf; there is no such clock.
        if (freq === 0) throw r.fail('invalid frequency 0: expected a positive number of clock ticks per second');
        // Go: frequency(1.0 / (float64(f) / 1e9)), same operation order for identical rounding.
        this.nsPerUnit = 1.0 / (freq / 1e9);
      } else if (ev === Ev.ClockSnapshot && this.version >= Version.Go125) {
        if (this.hasClockSnapshot) throw r.fail('found a second clock snapshot: expected one per generation');
        this.hasClockSnapshot = true;
        lastTs += r.uvarint();
        this.snapTime = lastTs;
        this.snapMono = BigInt(r.uvarint());
        this.snapSec = BigInt(r.uvarint());
        this.snapNsec = r.uvarint();
      } else {
        throw r.fail(`expected a frequency or clock snapshot event in the sync batch, found 0x${ev.toString(16)}`);
      }
    }
  }

  /** Checks the generation is complete and consistent (Go's checks after reading one). */
  finish(endOffset: number, toRelNs: (units: number) => number): void {
    const fail = (detail: string) => new DecodeError(this.file, endOffset, 'corrupt', `generation ${this.gen}: ${detail}`);
    if (this.nsPerUnit === 0) throw fail('no frequency event found: expected one sync batch per generation');
    if (this.version >= Version.Go125 && !this.hasClockSnapshot) throw fail('no clock snapshot event found: expected one in the sync batch');
    for (const [id, pcs] of this.rawStacks) {
      for (const pc of pcs) {
        const f = this.frames.get(pc);
        if (!f) throw fail(`found unknown pc ${pc.toString(16)} for stack ${id}`);
        if (!this.hasString(f.funcID)) throw fail(`found invalid func string ID ${f.funcID} for stack ${id}`);
        if (!this.hasString(f.fileID)) throw fail(`found invalid file string ID ${f.fileID} for stack ${id}`);
      }
    }
    for (const s of this.cpuSamples) s.time = toRelNs(s.time);
    // Go sorts with an unstable sort; ties between equal-time samples have no defined order.
    this.cpuSamples.sort((a, b) => a.time - b.time);
  }

  hasString(id: number): boolean {
    return id === 0 || this.stringOf(id) !== undefined;
  }
  hasStack(id: number): boolean {
    return id === 0 || (id < DENSE_LIMIT && this.stackCache[id] !== undefined) || this.rawStacks.has(id);
  }
  /** The string with this ID ("" for 0). Callers validate IDs first. */
  string(id: number): string {
    if (id === 0) return '';
    return this.stringOf(id) ?? '';
  }
  private stringOf(id: number): string | undefined {
    return (id > 0 && id < this.denseStrings.length ? this.denseStrings[id] : undefined) ?? this.strings.get(id);
  }

  /** The resolved stack with this ID, shared by every event of the generation that uses it. */
  stack(id: number): Stack {
    if (id === 0) return NO_STACK;
    const dense = id < DENSE_LIMIT;
    let s = dense ? this.stackCache[id] : undefined;
    if (s) return s;
    const pcs = this.rawStacks.get(id);
    if (!pcs) return NO_STACK;
    const frames: StackFrame[] = new Array(pcs.length);
    for (let i = 0; i < pcs.length; i++) frames[i] = this.frame(pcs[i]);
    s = Object.freeze(frames);
    if (dense) this.stackCache[id] = s;
    return s;
  }

  private frame(pc: number): StackFrame {
    let f = this.frameCache.get(pc);
    if (!f) {
      const raw = this.frames.get(pc)!;
      f = Object.freeze({ pc, func: this.string(raw.funcID), file: this.string(raw.fileID), line: raw.line });
      this.frameCache.set(pc, f);
    }
    return f;
  }
}
