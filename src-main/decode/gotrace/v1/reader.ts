// The reader of old-format traces (Go 1.11–1.21). These traces put their frequency and stack
// table at the end, so the file is read and ordered whole (they are small in practice), then
// converted lazily, event by event, with a Sync event before the first and after the last.

import { DecodeError } from '../../errors.ts';
import type { ByteSource } from '../../source.ts';
import { makeEvent, NO_STACK, NONE, type SyncData, type TraceEvent, type TraceFormat, type TraceReader } from '../model.ts';
import { UnexpectedEvent, V1Converter } from './convert.ts';
import { parseV1 } from './parser.ts';

const NO_EXPERIMENTS: SyncData['experimentalBatches'] = new Map();

export function createV1Reader(source: ByteSource, format: TraceFormat): TraceReader {
  return new V1Reader(source, format);
}

class V1Reader implements TraceReader {
  readonly timeOrigin = 0n;
  nsPerTick = 0;
  private converter: V1Converter | null = null;
  private syncs = 0;
  private done = false;
  /** Damage reported after the last event and its Sync (a file cut inside its stack table). */
  private damage: DecodeError | null = null;
  private read = 0;
  private closed = false;

  constructor(private readonly source: ByteSource, readonly format: TraceFormat) {}

  /**
   * The file is read whole before the first event; progress after that is the share of events
   * converted, scaled to the file's size, so that progress bars and ETAs keep moving.
   */
  get bytesRead(): number {
    return this.converter ? Math.floor(this.read * this.converter.progress) : 0;
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.source.close();
    }
  }

  next(): TraceEvent | null {
    if (this.done) {
      const damage = this.damage;
      this.damage = null;
      if (damage) throw damage;
      return null;
    }
    if (!this.converter) {
      const data = this.source.read(0, this.source.size);
      this.read = data.length;
      try {
        const trace = parseV1(this.source.name, data, Number(this.format.slice(2)));
        this.nsPerTick = trace.nsPerTick;
        this.damage = trace.truncation;
        this.converter = new V1Converter(trace);
      } catch (e) {
        this.done = true;
        throw e;
      }
      const first = this.converter.firstTime();
      if (first !== null) return this.sync(first - 1);
    }
    let ev: TraceEvent | null;
    try {
      ev = this.converter.next();
    } catch (e) {
      if (!(e instanceof UnexpectedEvent)) throw e;
      this.done = true;
      this.damage = null;
      throw new DecodeError(this.source.name, e.event.offset, 'corrupt', `${e.message}: expected an event Go's reader converts`);
    }
    if (ev === null) {
      this.done = true;
      return this.sync(this.converter.lastTs + 1);
    }
    return ev;
  }

  private sync(time: number): TraceEvent {
    this.syncs++;
    return makeEvent('Sync', time, NONE, NONE, NONE, NO_STACK, { n: this.syncs, clockSnapshot: null, experimentalBatches: NO_EXPERIMENTS });
  }
}
