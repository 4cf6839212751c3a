// Unsigned LEB128 varints (7 bits per byte, low bits first), the encoding of every packed blob
// in the index (interval chunks, levels of detail). Values up to 2^53 are exact.

/** A growable byte buffer of varints and bytes. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  length = 0;

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  uvarint(v: number): void {
    if (this.length + 8 > this.buf.length) this.grow(8);
    const buf = this.buf;
    let n = this.length;
    // Division for values past 32 bits; bit operations (much faster) below.
    while (v > 0xffffffff) {
      buf[n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    while (v >= 0x80) {
      buf[n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[n++] = v;
    this.length = n;
  }

  /** A signed integer, zigzag-encoded (0, −1, 1, −2… as 0, 1, 2, 3…): small differences take a byte. */
  svarint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bytes(v: Uint8Array): void {
    if (this.length + v.length > this.buf.length) this.grow(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
  }

  /**
   * The bytes written, without a copy, valid until the next write; the writer starts empty
   * again. For a row value (a RowSink reads it during push).
   */
  view(): Uint8Array {
    const out = this.buf.subarray(0, this.length);
    this.length = 0;
    return out;
  }

  /** A copy of the bytes written; the writer starts empty again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }

  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

/** Reads varints and bytes from a blob, in order. */
export class ByteReader {
  pos = 0;

  constructor(private readonly data: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  byte(): number {
    return this.data[this.pos++];
  }

  uvarint(): number {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.data[this.pos++];
      v += (b & 0x7f) * mul;
      mul *= 128;
    } while (b >= 0x80);
    return v;
  }

  /** A signed integer written by ByteWriter.svarint. */
  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
