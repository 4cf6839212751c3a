// The protobuf wire layer: varints, field keys, length-delimited slices, with the byte offset of
// every problem. Hand-written rather than protobufjs-generated because a field with the wrong
// wire type must be an error rather than a silent misread (generated code reads whatever follows
// a known field number), because errors must say where, and because 64-bit mapping addresses must
// stay exact. Speed is not the reason: on a 12.6 MB (150 k-sample) profile both take ~1.1 s CPU,
// most of it allocating the decoded samples (measured; profile-pb.js is the tests' second reader).

/** Wire types (the low 3 bits of a field key). */
export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** A wire-level failure; `offset` is relative to the start of the decoded buffer. */
export class WireError extends Error {
  constructor(readonly offset: number, readonly kind: 'truncated' | 'corrupt', readonly detail: string) {
    super(detail);
  }
}

const TWO_32 = 4294967296;

/** Reads fields from `buf[pos, end)`; positions are absolute offsets into `buf`. */
export class WireReader {
  pos: number;

  constructor(readonly buf: Uint8Array, pos: number, public end: number) {
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * A varint as a signed 64-bit integer (int64 fields: negative values use 10 bytes), exact up to
   * 2^53 in magnitude. The first four bytes take the fast path: IDs, counts and field keys.
   */
  int64(): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++];
    let v = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++];
      v |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++];
        v |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[pos++];
          v |= (b & 0x7f) << 21;
          if (b >= 0x80) return this.long(true);
        }
      }
    }
    if (pos > this.end) throw this.truncatedVarint();
    this.pos = pos;
    return v;
  }

  /** A varint as an unsigned 64-bit integer (uint64 fields), exact up to 2^53. */
  uint64(): number {
    const start = this.pos;
    const v = this.int64();
    return v < 0 ? (this.pos = start, this.long(false)) : v;
  }

  /** A varint as an exact unsigned 64-bit bigint (mapping addresses). */
  bigUint64(): bigint {
    const start = this.pos;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.overrun(start, 'a varint');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v & 0xffffffffffffffffn;
      shift += 7n;
    }
    throw new WireError(start, 'corrupt', 'varint longer than 10 bytes');
  }

  /** The slow path of a varint of five or more bytes, from `this.pos`. */
  private long(signed: boolean): number {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.overrun(start, 'a varint');
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        if (i === 9 && b > 1) throw new WireError(start, 'corrupt', 'varint overflows 64 bits');
        lo >>>= 0;
        hi >>>= 0;
        return signed && hi >= 0x80000000 ? (hi - TWO_32) * TWO_32 + lo : hi * TWO_32 + lo;
      }
    }
    throw new WireError(start, 'corrupt', 'varint longer than 10 bytes');
  }

  private truncatedVarint(): WireError {
    return this.overrun(this.pos, 'a varint');
  }

  /**
   * A value at `at` that does not fit: past the end of the whole buffer the data stops early (a
   * cut file); past the end of an enclosing message, lengths do not nest (damage).
   */
  private overrun(at: number, what: string): WireError {
    return this.end >= this.buf.length
      ? new WireError(at, 'truncated', `the data ends inside ${what}`)
      : new WireError(at, 'corrupt', `${what} runs past the end of its enclosing message (at byte ${this.end})`);
  }

  /** A field key: returns the field number and sets `wireType`. */
  key(): number {
    const at = this.pos;
    const k = this.int64();
    const field = Math.floor(k / 8);
    this.wireType = k & 7;
    this.keyOffset = at;
    if (field === 0) throw new WireError(at, 'corrupt', 'field number 0');
    return field;
  }

  /** Wire type of the last key read. */
  wireType = 0;
  /** Offset of the last key read (for errors about its field). */
  keyOffset = 0;

  /** The length prefix of a length-delimited field, checked against the end; returns the end. */
  lengthDelimited(): number {
    const at = this.pos;
    const n = this.int64();
    const end = this.pos + n;
    if (n < 0 || end > this.end) {
      const left = this.end - this.pos;
      if (n >= 0 && this.end >= this.buf.length) throw new WireError(at, 'truncated', `the data ends inside a field of length ${n} (${left} bytes left)`);
      throw new WireError(at, 'corrupt', `length ${n} runs past the end of its message (${left} bytes left)`);
    }
    return end;
  }

  /** Skips the value of the last key read (unknown fields). */
  skip(): void {
    switch (this.wireType) {
      case WireType.Varint:
        this.int64();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.Bytes:
        this.pos = this.lengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        throw new WireError(this.keyOffset, 'corrupt', `unsupported wire type ${this.wireType}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw this.overrun(this.pos, `a ${n}-byte field`);
    this.pos += n;
  }

  /**
   * Fails unless the last key's wire type is `allowed` (or `alternative`); names the field for the
   * message. Two parameters rather than a list: this runs for every field of every sample.
   */
  expect(field: string, allowed: WireType, alternative: WireType = allowed): void {
    const t = this.wireType;
    if (t === allowed || t === alternative) return;
    const want = allowed === alternative ? wireTypeName(allowed) : `${wireTypeName(allowed)} or ${wireTypeName(alternative)}`;
    throw new WireError(this.keyOffset, 'corrupt', `field ${field} has wire type ${t} (${wireTypeName(t)}): expected ${want}`);
  }

  /**
   * A repeated integer field, packed (one length-delimited run) or not (one varint), appended to
   * `out`. Go packs only lists of more than two elements; both forms may be mixed.
   */
  repeatedInt64(out: number[]): void {
    if (this.wireType === WireType.Varint) {
      out.push(this.int64());
      return;
    }
    const end = this.lengthDelimited();
    const outer = this.end;
    // Read the run as its own message so that a varint cannot run past it.
    this.end = end;
    while (this.pos < end) out.push(this.int64());
    this.end = outer;
  }
}

function wireTypeName(t: number): string {
  return ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'][t] ?? 'invalid';
}
