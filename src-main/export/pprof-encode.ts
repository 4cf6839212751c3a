// A profile (decode/pprof/model.ts) written back as profile.proto, gzipped as Go writes it: the
// inverse of decode/pprof/decode.ts, so that `go tool pprof` reads what goroscope exports. A small
// hand-written protobuf writer (varints, length-delimited messages, packed repeated fields): the
// repository's protobufjs module is decode-only, and 64-bit addresses need bigints anyway.

import * as zlib from 'node:zlib';
import type { Profile, ValueType } from '../decode/pprof/model.ts';

/** Bytes of a protobuf message being built. */
class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A varint of any 64-bit value: a negative number is written as its two's complement (10 bytes), as protobuf writes int64. */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff) {
      this.ensure(5);
      while (v > 0x7f) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return;
    }
    // A number read from a uint64 near 2^64 (an address such as 0xffffffffffffffff) rounds up to
    // 2^64 as a double: it is written back as the largest uint64, not wrapped to 0.
    let b = typeof v === 'number' && v >= 2 ** 64 ? 0xffffffffffffffffn : BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (b > 0x7fn) {
      this.buf[this.len++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.len++] = Number(b);
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint(field * 8 + wireType);
  }

  /** An integer field, left out when zero (proto3). */
  int(field: number, v: number | bigint): void {
    if (v === 0 || v === 0n) return;
    this.key(field, 0);
    this.varint(v);
  }

  bool(field: number, v: boolean): void {
    if (v) this.int(field, 1);
  }

  bytes(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** A nested message, always written (an empty one too: its presence can matter, e.g. an empty string). */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    build(w);
    this.bytes(field, w.finish());
  }

  /** A packed repeated integer field, left out when empty. */
  packed(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const w = new ProtoWriter();
    for (const v of values) w.varint(v);
    this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** The string table: "" first, then every string in order of first use. */
class StringTable {
  readonly strings: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/** The profile as raw (not gzipped) profile.proto bytes. */
export function encodeProfile(p: Profile): Uint8Array {
  const st = new StringTable();
  const w = new ProtoWriter();
  const valueType = (field: number, t: ValueType) => w.message(field, (m) => {
    m.int(1, st.id(t.type));
    m.int(2, st.id(t.unit));
  });
  for (const t of p.sampleTypes) valueType(1, t);
  for (const s of p.samples) {
    w.message(2, (m) => {
      m.packed(1, s.locationIds);
      m.packed(2, s.values);
      for (const l of s.labels) {
        m.message(3, (lm) => {
          lm.int(1, st.id(l.key));
          lm.int(2, st.id(l.str));
          lm.int(3, l.num);
          lm.int(4, st.id(l.numUnit));
        });
      }
    });
  }
  for (const mp of p.mappings) {
    w.message(3, (m) => {
      m.int(1, mp.id);
      m.int(2, mp.memoryStart);
      m.int(3, mp.memoryLimit);
      m.int(4, mp.fileOffset);
      m.int(5, st.id(mp.filename));
      m.int(6, st.id(mp.buildId));
      m.bool(7, mp.hasFunctions);
      m.bool(8, mp.hasFilenames);
      m.bool(9, mp.hasLineNumbers);
      m.bool(10, mp.hasInlineFrames);
    });
  }
  for (const l of p.locations) {
    w.message(4, (m) => {
      m.int(1, l.id);
      m.int(2, l.mappingId);
      m.int(3, l.address);
      for (const line of l.lines) {
        m.message(4, (lm) => {
          lm.int(1, line.functionId);
          lm.int(2, line.line);
          lm.int(3, line.column);
        });
      }
      m.bool(5, l.isFolded);
    });
  }
  for (const f of p.functions) {
    w.message(5, (m) => {
      m.int(1, f.id);
      m.int(2, st.id(f.name));
      m.int(3, st.id(f.systemName));
      m.int(4, st.id(f.filename));
      m.int(5, f.startLine);
    });
  }
  // Header strings get their IDs before the table is written.
  const dropFrames = st.id(p.dropFrames);
  const keepFrames = st.id(p.keepFrames);
  const periodType = p.periodType;
  if (periodType) {
    st.id(periodType.type);
    st.id(periodType.unit);
  }
  const comments = p.comments.map((c) => st.id(c));
  const defaultSampleType = st.id(p.defaultSampleType);
  const docUrl = st.id(p.docUrl);
  const enc = new TextEncoder();
  for (const s of st.strings) w.bytes(6, enc.encode(s));
  w.int(7, dropFrames);
  w.int(8, keepFrames);
  w.int(9, p.timeNanos);
  w.int(10, p.durationNanos);
  if (periodType) valueType(11, periodType);
  w.int(12, p.period);
  w.packed(13, comments);
  w.int(14, defaultSampleType);
  w.int(15, docUrl);
  return w.finish();
}

/** The profile as Go writes it to a file (`pprof.Profile.Write`): gzipped profile.proto. */
export function encodeProfileGzip(p: Profile): Uint8Array {
  return zlib.gzipSync(encodeProfile(p));
}
