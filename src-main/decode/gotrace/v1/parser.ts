// Parser of the old trace format (Go 1.11–1.21): reads the whole file (its frequency and stack
// table come last), merges the per-P batches into one causally consistent order (Go's
// internal/trace/internal/tracev1), fixes syscall exit times, converts ticks to nanoseconds and
// validates the result.

import { DecodeError } from '../../errors.ts';
import {
  GC_P, NETPOLL_P, PROFILE_P, SYSCALL_P, TIMER_P, V1, V1_SPECS, wireArgCount, type V1Event,
} from './events.ts';
import { heapInsert, heapPop } from '../time-heap.ts';

export interface V1Frame {
  readonly pc: number;
  readonly fn: number;
  readonly file: number;
  readonly line: number;
}

/** A parsed old-format trace: events in order with times in ns from the first one. */
export interface V1Trace {
  readonly version: number;
  readonly events: V1Event[];
  readonly stacks: Map<number, number[]>;
  readonly pcs: Map<number, V1Frame>;
  readonly strings: Map<number, string>;
  /** UserLog messages, in order of first appearance (Args[3] of UserLog indexes this). */
  readonly inlineStrings: string[];
  /** Nanoseconds per tick (from the Frequency event). */
  readonly nsPerTick: number;
  /**
   * Damage at the end that left every event readable (the file cut inside its trailing stack
   * table): to report after the events, which have no stack where theirs is missing.
   */
  readonly truncation: DecodeError | null;
}

interface RawEvent {
  typ: V1;
  args: number[];
  /** UserLog's message. */
  message: string | null;
  batchP: number;
  offset: number;
}

interface Proc {
  p: number;
  /** The P's current batch, and the index of its next event (shift() is linear in the batch size). */
  events: V1Event[];
  next: number;
  done: boolean;
}

const utf8 = new TextDecoder('utf-8');
const UINT64_MAX_AS_NUMBER = 18446744073709551616;

export function parseV1(file: string, data: Uint8Array, version: number): V1Trace {
  return new Parser(file, data, version).parse();
}

/** A record the file ends inside of: its start, and what it is. */
interface CutRecord {
  readonly offset: number;
  readonly what: string;
}

class Parser {
  private off = 16;
  /** The bytes read: the file, or the file up to the record it ends inside of. */
  private data: Uint8Array;
  private readonly fileSize: number;
  private cutRecord: CutRecord | null = null;
  /** Offset of the Frequency event: the footer (frequency, then stack table) starts there. */
  private footerAt = -1;
  /** Stack IDs the stack table defines (also those without frames), and the ones events use that it does not. */
  private readonly definedStacks = new Set<number>();
  private readonly missingStacks = new Set<number>();
  private eventsMissingStacks = 0;
  private readonly strings = new Map<number, string>();
  private readonly inlineStrings: string[] = [];
  private readonly inlineIndex = new Map<string, number>();
  /** File offsets of each P's batches, in file order. */
  private readonly batchOffsets = new Map<number, number[]>();
  private readonly stacks = new Map<number, number[]>();
  private readonly pcs = new Map<number, V1Frame>();
  private ticksPerSec = 0;
  private readonly cpuSamples: V1Event[] = [];
  private readonly timerGoroutines = new Set<number>();
  // Per-batch decoding state: the last timestamp, and the goroutine running on each P.
  private lastTs = 0;
  private lastG = 0;
  private lastP = 0;
  private readonly lastGs = new Map<number, number>();

  constructor(private readonly file: string, data: Uint8Array, private readonly version: number) {
    this.data = data;
    this.fileSize = data.length;
  }

  private fail(offset: number, detail: string, code: 'corrupt' | 'truncated' = 'corrupt'): DecodeError {
    return new DecodeError(this.file, offset, code, detail);
  }

  parse(): V1Trace {
    this.collectBatchesAndCPUSamples();
    if (this.footerAt < 0) {
      // Without the footer no tick can be turned into time: nothing is decodable.
      const inside = this.cutRecord ? `, inside ${this.cutRecord.what} at byte ${this.cutRecord.offset}` : '';
      throw this.fail(this.fileSize,
        `trace ends before its footer${inside}: expected a Frequency event and the stack table after the last batch ` +
        `(a go 1.${this.version} trace writes them last, and without the frequency none of its events can be timed; trace likely truncated)`,
        'truncated');
    }
    const events = this.mergeBatches();
    if (this.ticksPerSec === 0) {
      throw this.fail(this.footerAt, 'no Frequency event in the footer: expected one after the last batch');
    }
    if (events.length > 0) {
      const minTs = events[0].ts;
      const nsPerTick = 1e9 / this.ticksPerSec;
      for (const ev of events) {
        ev.ts = Math.trunc((ev.ts - minTs) * nsPerTick);
        if (this.timerGoroutines.has(ev.g) && ev.type === V1.GoUnblock) ev.p = TIMER_P;
        if (ev.type === V1.GoSysExit) ev.p = SYSCALL_P;
      }
    }
    this.validate(events);
    return {
      version: this.version, events, stacks: this.stacks, pcs: this.pcs, strings: this.strings,
      inlineStrings: this.inlineStrings, nsPerTick: 1e9 / this.ticksPerSec, truncation: this.footerTruncation(),
    };
  }

  /**
   * The stack table is the last thing in the file: when the file ends inside a record of the
   * footer, or events use stacks the table lacks (the runtime writes every stack an event uses),
   * the file was cut inside it. Every event is there; what is lost is stacks.
   */
  private footerTruncation(): DecodeError | null {
    if (!this.cutRecord && this.missingStacks.size === 0) return null;
    const inside = this.cutRecord ? `, inside ${this.cutRecord.what} at byte ${this.cutRecord.offset}` : '';
    const lost = this.missingStacks.size > 0
      ? `but ${this.missingStacks.size} stack${this.missingStacks.size === 1 ? '' : 's'} used by ${this.eventsMissingStacks} ` +
        `event${this.eventsMissingStacks === 1 ? '' : 's'} ${this.missingStacks.size === 1 ? 'is' : 'are'} missing, so those events have no stack`
      : 'but the rest of the stack table is lost';
    return this.fail(this.fileSize,
      `trace ends inside its footer (frequency and stack table, from byte ${this.footerAt})${inside}: ` +
      `every event is read, ${lost} (trace likely truncated)`, 'truncated');
  }

  // ---- raw reading ---------------------------------------------------------------------------

  private uvarint(what: string): number {
    const data = this.data;
    const start = this.off;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.off >= data.length) throw this.fail(start, `trace ends inside ${what}: expected a complete uvarint (trace likely truncated)`, 'truncated');
      const b = data[this.off++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result >= UINT64_MAX_AS_NUMBER ? -1 : result;
      mul *= 128;
    }
    throw this.fail(start, `malformed uvarint in ${what}: expected at most 10 bytes`);
  }

  private bytes(n: number, what: string): Uint8Array {
    if (this.off + n > this.data.length) {
      throw this.fail(this.off, `trace ends inside ${what}: expected ${n} bytes, found ${this.data.length - this.off} (trace likely truncated)`, 'truncated');
    }
    const b = this.data.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }

  /**
   * Reads one raw event at the current offset, or returns null at the end of input.
   * `parseStrings` false skips string records (the first pass only locates batches).
   */
  private readRawEvent(parseStrings: boolean, readArgs: boolean): RawEvent | null {
    if (this.off >= this.data.length) return null;
    const offset = this.off;
    const b = this.data[this.off++];
    const typ = (b & 0x3f) as V1;
    const narg = (b >> 6) + 1;
    if (typ === V1.None || typ >= V1.Count || V1_SPECS[typ].since > this.version) {
      throw this.fail(offset, `unknown event type ${typ} for a go 1.${this.version} trace: expected an event of the old trace format`);
    }
    if (typ === V1.String) {
      const id = this.uvarint('a string record');
      const len = this.uvarint('a string record');
      if (!parseStrings) {
        this.bytes(len, 'a string');
      } else {
        if (id === 0) throw this.fail(offset, 'string has invalid ID 0: expected a positive ID');
        if (this.strings.has(id) && this.strings.get(id) !== '') throw this.fail(offset, `duplicate string ID ${id}: expected unique IDs`);
        if (len === 0) throw this.fail(offset, 'string has invalid length 0');
        if (len > 1e6) throw this.fail(offset, `string length ${len} too large: expected at most 1e6`);
        this.strings.set(id, utf8.decode(this.bytes(len, 'a string')));
      }
      return { typ: V1.None, args: [], message: null, batchP: 0, offset };
    }
    if (typ === V1.Batch) {
      if (narg !== 2) throw this.fail(offset, `batch header has ${narg} arguments: expected 2`);
      const p = this.uvarint('a batch header');
      if (p !== -1 && p > 0x7fffffff) throw this.fail(offset, `processor ID ${p} too large`);
      const ticks = this.uvarint('a batch header');
      return { typ, args: [p, ticks], message: null, batchP: p, offset };
    }
    const args: number[] = [];
    let message: string | null = null;
    if (narg <= 3) {
      for (let i = 0; i < narg; i++) args.push(this.uvarint(`event ${V1_SPECS[typ].name}`));
    } else {
      // Length-prefixed arguments.
      const len = this.uvarint(`event ${V1_SPECS[typ].name}`);
      if (len > 2048) throw this.fail(offset, `length-prefixed arguments of ${len} bytes: expected at most 2048`);
      const body = this.bytes(len, `event ${V1_SPECS[typ].name}`);
      if (readArgs || typ === V1.CPUSample) {
        let pos = 0;
        while (pos < body.length) {
          let v = 0;
          let mul = 1;
          let done = false;
          for (let i = 0; i < 10 && pos < body.length; i++) {
            const c = body[pos++];
            v += (c & 0x7f) * mul;
            mul *= 128;
            if (c < 0x80) {
              done = true;
              break;
            }
          }
          if (!done) throw this.fail(offset, `malformed uvarint in event ${V1_SPECS[typ].name}`);
          args.push(v >= UINT64_MAX_AS_NUMBER ? -1 : v);
        }
      }
      if (typ === V1.UserLog) {
        const mlen = this.uvarint('a log message');
        if (mlen > 1e6) throw this.fail(offset, `log message of ${mlen} bytes too large`);
        const bytes = this.bytes(mlen, 'a log message');
        message = readArgs ? utf8.decode(bytes) : null;
      }
    }
    return { typ, args, message, batchP: 0, offset };
  }

  /**
   * First pass: where each P's batches start, and every CPU sample. A file that ends inside a
   * record is read up to that record (the second pass never sees it), and the cut is remembered.
   */
  private collectBatchesAndCPUSamples(): void {
    let curP = 0;
    for (;;) {
      const start = this.off;
      let raw: RawEvent | null;
      try {
        raw = this.readRawEvent(false, false);
      } catch (e) {
        if (!(e instanceof DecodeError) || e.code !== 'truncated') throw e;
        this.cutRecord = { offset: start, what: recordName(this.data[start], this.version) };
        this.data = this.data.subarray(0, start);
        break;
      }
      if (raw === null) break;
      if (raw.typ === V1.Frequency && this.footerAt < 0) this.footerAt = raw.offset;
      if (raw.typ === V1.None) continue;
      if (raw.typ === V1.Batch) {
        let list = this.batchOffsets.get(raw.batchP);
        if (!list) this.batchOffsets.set(raw.batchP, (list = []));
        list.push(raw.offset);
        curP = raw.batchP;
      }
      if (!this.batchOffsets.has(curP)) {
        throw this.fail(raw.offset, `event ${V1_SPECS[raw.typ].name} before any batch: expected a batch header first`);
      }
      if (raw.typ === V1.CPUSample) {
        const n = wireArgCount(raw.typ);
        if (raw.args.length !== n) throw this.fail(raw.offset, `CPU sample has ${raw.args.length} arguments: expected ${n}`);
        // Wire: [ts delta, real ts, p, g, stack]. The real timestamp orders the sample.
        this.cpuSamples.push({
          ts: raw.args[1], g: raw.args[3], args: [0, raw.args[2], raw.args[3], 0], stk: raw.args[4],
          p: raw.args[2] === -1 ? -1 : raw.args[2] | 0, type: V1.CPUSample, offset: raw.offset,
        });
      }
    }
  }

  /** Decodes the next batch of P `p`; null when it has none left. */
  private loadBatch(p: number): V1Event[] | null {
    const offsets = this.batchOffsets.get(p);
    if (!offsets || offsets.length === 0) return null;
    this.off = offsets.shift()!;
    const events: V1Event[] = [];
    let gotHeader = false;
    for (;;) {
      const raw = this.readRawEvent(true, true);
      if (raw === null) break;
      if (raw.typ === V1.None || raw.typ === V1.CPUSample) continue;
      if (raw.typ === V1.Batch) {
        if (gotHeader) break;
        gotHeader = true;
      }
      const ev = this.parseEvent(raw);
      if (ev) events.push(ev);
    }
    return events;
  }

  private parseEvent(raw: RawEvent): V1Event | null {
    const spec = V1_SPECS[raw.typ];
    const narg = raw.typ === V1.Stack ? raw.args.length : wireArgCount(raw.typ);
    if (raw.args.length !== narg) {
      throw this.fail(raw.offset, `${spec.name} has ${raw.args.length} arguments: expected ${narg}`);
    }
    switch (raw.typ) {
      case V1.Batch:
        this.lastGs.set(this.lastP, this.lastG);
        this.lastP = raw.args[0];
        this.lastG = this.lastGs.get(this.lastP) ?? 0;
        this.lastTs = raw.args[1];
        return null;
      case V1.Frequency:
        this.ticksPerSec = raw.args[0];
        if (this.ticksPerSec <= 0) throw this.fail(raw.offset, `invalid frequency ${raw.args[0]}: time stamps out of order`);
        return null;
      case V1.TimerGoroutine:
        this.timerGoroutines.add(raw.args[0]);
        return null;
      case V1.Stack: {
        if (raw.args.length < 2) throw this.fail(raw.offset, 'stack record has too few arguments: expected at least 2');
        const [id, size] = raw.args;
        if (size < 0 || size > 1000) throw this.fail(raw.offset, `stack with ${size < 0 ? '2^64-1' : size} frames: expected at most 1000`);
        if (raw.args.length !== 2 + 4 * size) throw this.fail(raw.offset, `stack record has ${raw.args.length} arguments: expected ${2 + 4 * size}`);
        this.definedStacks.add(id >>> 0);
        if (id !== 0 && size > 0) {
          const pcs: number[] = new Array(size);
          for (let i = 0; i < size; i++) {
            const pc = raw.args[2 + i * 4];
            pcs[i] = pc;
            if (!this.pcs.has(pc)) {
              this.pcs.set(pc, { pc, fn: raw.args[3 + i * 4], file: raw.args[4 + i * 4], line: raw.args[5 + i * 4] });
            }
          }
          this.stacks.set(id >>> 0, pcs);
        }
        return null;
      }
      case V1.CPUSample:
        return null;
    }
    const ev: V1Event = { ts: this.lastTs + raw.args[0], g: this.lastG, args: [0, 0, 0, 0], stk: 0, p: this.lastP, type: raw.typ, offset: raw.offset };
    this.lastTs = ev.ts;
    for (let i = 1; i < narg; i++) {
      if (i === narg - 1 && spec.stack) ev.stk = raw.args[i] >>> 0;
      else ev.args[i - 1] = raw.args[i];
    }
    switch (raw.typ) {
      case V1.GoStart:
      case V1.GoStartLocal:
      case V1.GoStartLabel:
        this.lastG = ev.args[0];
        ev.g = this.lastG;
        break;
      case V1.GoEnd: case V1.GoStop: case V1.GoSched: case V1.GoPreempt: case V1.GoSleep: case V1.GoBlock:
      case V1.GoBlockSend: case V1.GoBlockRecv: case V1.GoBlockSelect: case V1.GoBlockSync: case V1.GoBlockCond:
      case V1.GoBlockNet: case V1.GoSysBlock: case V1.GoBlockGC:
        this.lastG = 0;
        break;
      case V1.GoSysExit:
      case V1.GoWaiting:
      case V1.GoInSyscall:
        ev.g = ev.args[0];
        break;
      case V1.UserLog: {
        const msg = raw.message ?? '';
        let id = this.inlineIndex.get(msg);
        if (id === undefined) {
          id = this.inlineStrings.length;
          this.inlineIndex.set(msg, id);
          this.inlineStrings.push(msg);
        }
        ev.args[3] = id;
        break;
      }
    }
    return ev;
  }

  // ---- ordering ------------------------------------------------------------------------------

  /**
   * Merges the Ps' event streams: an event enters the frontier only when the goroutine state it
   * requires has been reached; the earliest frontier event is taken next.
   */
  private mergeBatches(): V1Event[] {
    // Go sorts samples with an unstable sort; ties between equal-time samples have no defined order.
    this.cpuSamples.sort((a, b) => a.ts - b.ts);
    // Go visits the Ps in map order (random); ascending P order makes our result deterministic.
    // The two differ only in the order of events with equal timestamps.
    const all: Proc[] = [...this.batchOffsets.keys()].sort((a, b) => a - b).map((p) => ({ p, events: [], next: 0, done: false }));
    all.push({ p: PROFILE_P, events: this.cpuSamples, next: 0, done: false });
    const states = new Map<number, GState>();
    const frontier: FrontierItem[] = [];
    let available: Proc[] = [...all];
    const out: V1Event[] = [];
    for (;;) {
      for (let i = 0; i < available.length; i++) {
        const proc = available[i];
        let removed = false;
        while (proc.next === proc.events.length) {
          const evs = proc.p === PROFILE_P ? null : this.loadBatch(proc.p);
          if (evs === null) {
            proc.done = true;
            available[i] = available[available.length - 1];
            available.pop();
            i--;
            removed = true;
            break;
          }
          proc.events = evs;
          proc.next = 0;
        }
        if (removed) continue;
        const ev = proc.events[proc.next];
        const t = stateTransition(ev);
        if (!transitionReady(t.g, states.get(t.g) ?? DEAD, t.init)) continue;
        proc.next++;
        available[i] = available[available.length - 1];
        available.pop();
        heapInsert(frontier, { ev, proc, time: ev.ts });
        i--;
      }
      if (frontier.length === 0) {
        const stuck = all.find((p) => !p.done);
        if (stuck) {
          throw this.fail(stuck.events[stuck.next]?.offset ?? -1, `no consistent ordering of events possible (P ${stuck.p} cannot proceed): expected causally consistent batches`);
        }
        break;
      }
      const f = heapPop(frontier);
      const t = stateTransition(f.ev);
      if (f.ev.type === V1.GoStartLocal) f.ev.type = V1.GoStart;
      else if (f.ev.type === V1.GoUnblockLocal) f.ev.type = V1.GoUnblock;
      else if (f.ev.type === V1.GoSysExitLocal) f.ev.type = V1.GoSysExit;
      out.push(f.ev);
      if (t.g !== UNORDERED) {
        const cur = states.get(t.g) ?? DEAD;
        if (!transitionReady(t.g, cur, t.init)) throw this.fail(f.ev.offset, 'impossible goroutine state transition');
        const seq = t.next.seq === NOSEQ ? cur.seq : t.next.seq === SEQINC ? cur.seq + 1 : t.next.seq;
        states.set(t.g, { seq, status: t.next.status });
      }
      available.push(f.proc);
    }
    for (let i = 1; i < out.length; i++) {
      if (out[i].ts < out[i - 1].ts) throw this.fail(out[i].offset, 'time stamps out of order');
    }
    // A syscall exit's real time is when the syscall returned, which may be long before the
    // exit event was written.
    const lastSysBlock = new Map<number, number>();
    for (const ev of out) {
      if (ev.type === V1.GoSysBlock || ev.type === V1.GoInSyscall) {
        lastSysBlock.set(ev.g, ev.ts);
      } else if (ev.type === V1.GoSysExit) {
        const ts = ev.args[2];
        if (ts === 0) continue;
        const block = lastSysBlock.get(ev.g) ?? 0;
        if (block === 0) throw this.fail(ev.offset, 'stray syscall exit: expected a syscall block of its goroutine before it');
        if (ts < block) throw this.fail(ev.offset, 'time stamps out of order (syscall exit before its block)');
        ev.ts = ts;
      }
    }
    // Array.prototype.sort is stable, as Go's sort.Stable.
    out.sort((a, b) => a.ts - b.ts);
    return out;
  }

  // ---- validation (Go's postProcessTrace) ----------------------------------------------------

  private validate(events: V1Event[]): void {
    interface GDesc { state: number; ev: V1Event | null; evCreate: V1Event | null; evMarkAssist: V1Event | null }
    interface PDesc { running: boolean; g: number; evSweep: V1Event | null }
    const gs = new Map<number, GDesc>();
    const ps = new Map<number, PDesc>();
    const tasks = new Map<number, V1Event>();
    const regions = new Map<number, V1Event[]>();
    const gdesc = (id: number): GDesc => {
      let g = gs.get(id);
      if (!g) gs.set(id, (g = { state: G_DEAD, ev: null, evCreate: null, evMarkAssist: null }));
      return g;
    };
    const pdesc = (id: number): PDesc => {
      let p = ps.get(id);
      if (!p) ps.set(id, (p = { running: false, g: 0, evSweep: null }));
      return p;
    };
    gdesc(0).state = G_RUNNING;
    let inGC = false;
    let inSTW = false;
    const fail = (ev: V1Event, what: string) => this.fail(ev.offset, `${what} (time ${ev.ts}): inconsistent trace`);
    const checkRunning = (p: PDesc, g: GDesc, ev: V1Event, allowG0: boolean) => {
      const name = V1_SPECS[ev.type].name;
      if (g.state !== G_RUNNING) throw fail(ev, `g ${ev.g} is not running while ${name}`);
      if (p.g !== ev.g) throw fail(ev, `p ${ev.p} is not running g ${ev.g} while ${name}`);
      if (!allowG0 && ev.g === 0) throw fail(ev, `g 0 did ${name}`);
    };
    for (const ev of events) {
      switch (ev.type) {
        case V1.ProcStart: {
          const p = pdesc(ev.p);
          if (p.running) throw fail(ev, `p ${ev.p} is running before start`);
          p.running = true;
          break;
        }
        case V1.ProcStop: {
          const p = pdesc(ev.p);
          if (!p.running) throw fail(ev, `p ${ev.p} is not running before stop`);
          if (p.g !== 0) throw fail(ev, `p ${ev.p} is running a goroutine ${p.g} during stop`);
          p.running = false;
          break;
        }
        case V1.GCStart:
          if (inGC) throw fail(ev, 'previous GC is not ended before a new one');
          inGC = true;
          ev.p = GC_P;
          break;
        case V1.GCDone:
          if (!inGC) throw fail(ev, 'bogus GC end');
          inGC = false;
          break;
        case V1.STWStart:
          if (inSTW) throw fail(ev, 'previous STW is not ended before a new one');
          inSTW = true;
          break;
        case V1.STWDone:
          if (!inSTW) throw fail(ev, 'bogus STW end');
          inSTW = false;
          break;
        case V1.GCSweepStart: {
          const p = pdesc(ev.p);
          if (p.evSweep) throw fail(ev, 'previous sweeping is not ended before a new one');
          p.evSweep = ev;
          break;
        }
        case V1.GCMarkAssistStart: {
          const g = gdesc(ev.g);
          if (g.evMarkAssist) throw fail(ev, 'previous mark assist is not ended before a new one');
          g.evMarkAssist = ev;
          break;
        }
        case V1.GCMarkAssistDone:
          gdesc(ev.g).evMarkAssist = null;
          break;
        case V1.GCSweepDone: {
          const p = pdesc(ev.p);
          if (!p.evSweep) throw fail(ev, 'bogus sweeping end');
          p.evSweep = null;
          break;
        }
        case V1.GoWaiting:
        case V1.GoInSyscall: {
          const g = gdesc(ev.g);
          if (g.state !== G_RUNNABLE) throw fail(ev, `g ${ev.g} is not runnable before ${V1_SPECS[ev.type].name}`);
          g.state = G_WAITING;
          g.ev = ev;
          break;
        }
        case V1.GoCreate: {
          checkRunning(pdesc(ev.p), gdesc(ev.g), ev, true);
          if (gs.has(ev.args[0])) throw fail(ev, `g ${ev.args[0]} already exists`);
          gs.set(ev.args[0], { state: G_RUNNABLE, ev, evCreate: ev, evMarkAssist: null });
          break;
        }
        case V1.GoStart:
        case V1.GoStartLabel: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          if (g.state !== G_RUNNABLE) throw fail(ev, `g ${ev.g} is not runnable before start`);
          if (p.g !== 0) throw fail(ev, `p ${ev.p} is already running g ${p.g} while start g ${ev.g}`);
          g.state = G_RUNNING;
          p.g = ev.g;
          if (g.evCreate) {
            ev.stk = g.evCreate.args[1] >>> 0;
            g.evCreate = null;
          }
          g.ev = null;
          break;
        }
        case V1.GoEnd:
        case V1.GoStop: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          checkRunning(p, g, ev, false);
          g.state = G_DEAD;
          p.g = 0;
          if (ev.type === V1.GoEnd) regions.delete(ev.g);
          break;
        }
        case V1.GoSched:
        case V1.GoPreempt: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          checkRunning(p, g, ev, false);
          g.state = G_RUNNABLE;
          p.g = 0;
          g.ev = ev;
          break;
        }
        case V1.GoUnblock: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          if (g.state !== G_RUNNING) throw fail(ev, `g ${ev.g} is not running while unpark`);
          if (ev.p !== TIMER_P && p.g !== ev.g) throw fail(ev, `p ${ev.p} is not running g ${ev.g} while unpark`);
          const g1 = gdesc(ev.args[0]);
          if (g1.state !== G_WAITING) throw fail(ev, `g ${ev.args[0]} is not waiting before unpark`);
          if (g1.ev && g1.ev.type === V1.GoBlockNet) ev.p = NETPOLL_P;
          g1.state = G_RUNNABLE;
          g1.ev = ev;
          break;
        }
        case V1.GoSysCall: {
          const g = gdesc(ev.g);
          checkRunning(pdesc(ev.p), g, ev, false);
          g.ev = ev;
          break;
        }
        case V1.GoSysBlock: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          checkRunning(p, g, ev, false);
          g.state = G_WAITING;
          p.g = 0;
          break;
        }
        case V1.GoSysExit: {
          const g = gdesc(ev.g);
          if (g.state !== G_WAITING) throw fail(ev, `g ${ev.g} is not waiting during syscall exit`);
          g.state = G_RUNNABLE;
          g.ev = ev;
          break;
        }
        case V1.GoSleep: case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv: case V1.GoBlockSelect:
        case V1.GoBlockSync: case V1.GoBlockCond: case V1.GoBlockNet: case V1.GoBlockGC: {
          const g = gdesc(ev.g);
          const p = pdesc(ev.p);
          checkRunning(p, g, ev, false);
          g.state = G_WAITING;
          g.ev = ev;
          p.g = 0;
          break;
        }
        case V1.UserTaskCreate:
          if (tasks.has(ev.args[0])) throw fail(ev, `task id conflicts (id:${ev.args[0]})`);
          tasks.set(ev.args[0], ev);
          break;
        case V1.UserTaskEnd:
          tasks.delete(ev.args[0]);
          break;
        case V1.UserRegion: {
          const mode = ev.args[1];
          const open = regions.get(ev.g) ?? [];
          if (mode === 0) {
            open.push(ev);
            regions.set(ev.g, open);
          } else if (mode === 1) {
            const n = open.length;
            if (n > 0) {
              const s = open[n - 1];
              if (s.args[0] !== ev.args[0] || s.args[2] !== ev.args[2]) throw fail(ev, `misuse of region in goroutine ${ev.g}`);
              open.pop();
              if (open.length === 0) regions.delete(ev.g);
            }
          } else {
            throw fail(ev, `invalid user region mode ${mode}`);
          }
          break;
        }
      }
      // References to unknown or empty stacks become "no stack".
      if (ev.stk !== 0 && !(this.stacks.get(ev.stk)?.length)) {
        if (!this.definedStacks.has(ev.stk)) {
          this.missingStacks.add(ev.stk);
          this.eventsMissingStacks++;
        }
        ev.stk = 0;
      }
    }
  }
}

/** "a String record", "a GoCreate event": what the record starting with `b` is, for a message. */
function recordName(b: number, version: number): string {
  const typ = (b & 0x3f) as V1;
  if (typ === V1.None || typ >= V1.Count || V1_SPECS[typ].since > version) return 'a record';
  if (typ === V1.String || typ === V1.Stack) return `a ${V1_SPECS[typ].name} record`;
  if (typ === V1.Batch) return 'a batch header';
  return `a ${V1_SPECS[typ].name} event`;
}

// ---- the ordering rules (Go's tracev1/order.go) ----------------------------------------------

const G_DEAD = 0, G_RUNNABLE = 1, G_RUNNING = 2, G_WAITING = 3;
/** Pseudo-goroutine keys: the GC sequence, and "no ordering constraint". */
const GARBAGE = -2;
const UNORDERED = -3;
/** Sequence wildcards: any current value / current value + 1. */
const NOSEQ = -1;
const SEQINC = -2;

interface GState {
  seq: number;
  status: number;
}
const DEAD: GState = { seq: 0, status: G_DEAD };

interface Transition {
  g: number;
  init: GState;
  next: GState;
}

function stateTransition(ev: V1Event): Transition {
  switch (ev.type) {
    case V1.GoCreate:
      return { g: ev.args[0], init: { seq: 0, status: G_DEAD }, next: { seq: 1, status: G_RUNNABLE } };
    case V1.GoWaiting:
    case V1.GoInSyscall:
      return { g: ev.g, init: { seq: 1, status: G_RUNNABLE }, next: { seq: 2, status: G_WAITING } };
    case V1.GoStart:
    case V1.GoStartLabel:
      return { g: ev.g, init: { seq: ev.args[1], status: G_RUNNABLE }, next: { seq: ev.args[1] + 1, status: G_RUNNING } };
    case V1.GoStartLocal:
      return { g: ev.g, init: { seq: NOSEQ, status: G_RUNNABLE }, next: { seq: SEQINC, status: G_RUNNING } };
    case V1.GoBlock: case V1.GoBlockSend: case V1.GoBlockRecv: case V1.GoBlockSelect: case V1.GoBlockSync:
    case V1.GoBlockCond: case V1.GoBlockNet: case V1.GoSleep: case V1.GoSysBlock: case V1.GoBlockGC:
      return { g: ev.g, init: { seq: NOSEQ, status: G_RUNNING }, next: { seq: NOSEQ, status: G_WAITING } };
    case V1.GoSched:
    case V1.GoPreempt:
      return { g: ev.g, init: { seq: NOSEQ, status: G_RUNNING }, next: { seq: NOSEQ, status: G_RUNNABLE } };
    case V1.GoUnblock:
    case V1.GoSysExit:
      return { g: ev.args[0], init: { seq: ev.args[1], status: G_WAITING }, next: { seq: ev.args[1] + 1, status: G_RUNNABLE } };
    case V1.GoUnblockLocal:
    case V1.GoSysExitLocal:
      return { g: ev.args[0], init: { seq: NOSEQ, status: G_WAITING }, next: { seq: SEQINC, status: G_RUNNABLE } };
    case V1.GCStart:
      return { g: GARBAGE, init: { seq: ev.args[0], status: G_DEAD }, next: { seq: ev.args[0] + 1, status: G_DEAD } };
    default:
      return { g: UNORDERED, init: DEAD, next: DEAD };
  }
}

function transitionReady(g: number, cur: GState, init: GState): boolean {
  return g === UNORDERED || ((init.seq === NOSEQ || init.seq === cur.seq) && init.status === cur.status);
}

interface FrontierItem {
  ev: V1Event;
  proc: Proc;
  /** ev.ts, the heap's key. */
  time: number;
}
