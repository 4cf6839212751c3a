// Mutations of real inputs, as an attacker or an unlucky disk would make them: bit flips,
// interesting bytes, inserted and deleted ranges, splices with another file of the same kind,
// truncation, varints of extreme values (the wire formats are varint-based), and for text dumps
// whole-line edits and control characters. One mutant stacks one to four of them.

import * as zlib from 'node:zlib';
import type { Random } from './random.ts';
import type { ArtefactKind, Seed } from './seeds.ts';

export interface Mutant {
  readonly kind: ArtefactKind;
  readonly seed: string;
  readonly bytes: Uint8Array;
  /** The mutations applied, in order, e.g. ["flip@1234", "cut@5000"]. */
  readonly ops: readonly string[];
}

const INTERESTING_BYTES = [0x00, 0x01, 0x02, 0x05, 0x07, 0x08, 0x0a, 0x0d, 0x1b, 0x20, 0x3a, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];

/** Values whose varints break naive decoders: around 2^7, 2^31, 2^32, 2^53, 2^63 and 2^64−1. */
const INTERESTING_VALUES: readonly bigint[] = [
  0n, 1n, 127n, 128n, 255n, 1000n, 65535n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n,
  2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n,
];

/** Text that dumps should survive inside a line. */
const INTERESTING_TEXT = ['\r', '\x1b[31m', '\x00', '\t', '\x7f', '\u0085', '\u2028', '\u202e', '"', '\\', ')', '(', ':', '+0x', ' ', '\ufffd', '99999999999999999999999', '-1'];

export function uvarintBytes(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

type ByteOp = (r: Random, b: Uint8Array, others: readonly Seed[]) => [Uint8Array, string];

const flip: ByteOp = (r, b) => {
  const c = Uint8Array.from(b);
  const i = r.below(c.length);
  const bit = r.below(8);
  c[i] ^= 1 << bit;
  return [c, `flip@${i}.${bit}`];
};

const setByte: ByteOp = (r, b) => {
  const c = Uint8Array.from(b);
  const i = r.below(c.length);
  c[i] = r.chance(0.6) ? r.pick(INTERESTING_BYTES) : r.below(256);
  return [c, `byte@${i}=${c[i]}`];
};

const varint: ByteOp = (r, b) => {
  // Over a varint at a random position (or inserted there): the decoders read varints everywhere.
  const at = r.below(b.length);
  const value = r.chance(0.1) ? null : r.pick(INTERESTING_VALUES);
  const encoded = value === null ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] : uvarintBytes(value);
  const label = value === null ? 'overlong' : value.toString();
  if (r.chance(0.5)) {
    let end = at;
    while (end < b.length && b[end] >= 0x80 && end - at < 10) end++;
    end = Math.min(b.length, end + 1);
    return [concat(b.subarray(0, at), Uint8Array.from(encoded), b.subarray(end)), `varint@${at}=${label}`];
  }
  return [concat(b.subarray(0, at), Uint8Array.from(encoded), b.subarray(at)), `varint+@${at}=${label}`];
};

const insert: ByteOp = (r, b) => {
  const at = r.below(b.length + 1);
  const n = r.between(1, 16);
  const ins = new Uint8Array(n);
  for (let i = 0; i < n; i++) ins[i] = r.chance(0.5) ? r.pick(INTERESTING_BYTES) : r.below(256);
  return [concat(b.subarray(0, at), ins, b.subarray(at)), `insert@${at}+${n}`];
};

const remove: ByteOp = (r, b) => {
  const at = r.below(b.length);
  const n = Math.min(b.length - at, r.chance(0.7) ? r.between(1, 8) : r.between(1, Math.max(1, b.length >> 3)));
  return [concat(b.subarray(0, at), b.subarray(at + n)), `delete@${at}-${n}`];
};

const duplicate: ByteOp = (r, b) => {
  const from = r.below(b.length);
  const n = Math.min(b.length - from, r.between(1, 256));
  const at = r.below(b.length + 1);
  return [concat(b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)), `dup@${from}-${n}@${at}`];
};

const overwrite: ByteOp = (r, b) => {
  const c = Uint8Array.from(b);
  const from = r.below(c.length);
  const n = Math.min(c.length - from, r.between(1, 64));
  const at = r.below(c.length);
  c.set(b.subarray(from, from + Math.min(n, c.length - at)), at);
  return [c, `copy@${from}-${n}@${at}`];
};

const splice: ByteOp = (r, b, others) => {
  const other = r.pick(others).bytes;
  const at = r.below(b.length + 1);
  const from = r.below(other.length);
  return [concat(b.subarray(0, at), other.subarray(from)), `splice@${at}<${from}`];
};

const cut: ByteOp = (r, b) => {
  const at = r.below(b.length) + 1;
  return [b.subarray(0, at), `cut@${at}`];
};

const BYTE_OPS: readonly [ByteOp, number][] = [
  [flip, 4], [setByte, 4], [varint, 4], [insert, 2], [remove, 2], [duplicate, 1], [overwrite, 1], [splice, 1], [cut, 2],
];

/** Whole-line edits and hostile characters for text dumps (the byte operations apply too). */
const lineOp: ByteOp = (r, b, others) => {
  const text = Buffer.from(b).toString('latin1');
  const lines = text.split('\n');
  const i = r.below(lines.length);
  switch (r.below(6)) {
    case 0:
      lines.splice(i, 1);
      return [latin1(lines.join('\n')), `line-delete@${i}`];
    case 1:
      lines.splice(i, 0, lines[r.below(lines.length)]);
      return [latin1(lines.join('\n')), `line-dup@${i}`];
    case 2: {
      const j = r.below(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return [latin1(lines.join('\n')), `line-swap@${i},${j}`];
    }
    case 3: {
      const otherLines = Buffer.from(r.pick(others).bytes).toString('latin1').split('\n');
      lines.splice(i, 0, otherLines[r.below(otherLines.length)]);
      return [latin1(lines.join('\n')), `line-foreign@${i}`];
    }
    case 4: {
      const line = lines[i];
      lines[i] = line.slice(0, r.below(line.length + 1));
      return [latin1(lines.join('\n')), `line-cut@${i}`];
    }
    default: {
      // Inside a line, as UTF-8 (the dump reader decodes UTF-8).
      const line = Buffer.from(lines[i], 'latin1');
      const at = r.below(line.length + 1);
      const piece = Buffer.from(r.pick(INTERESTING_TEXT), 'utf8');
      lines[i] = Buffer.concat([line.subarray(0, at), piece, line.subarray(at)]).toString('latin1');
      return [latin1(lines.join('\n')), `text@${i}.${at}`];
    }
  }
};

/** One mutant of `seed`; `others` are seeds of the same kind, for splices. */
export function mutate(r: Random, seed: Seed, others: readonly Seed[]): Mutant {
  const ops: string[] = [];
  // Most profile mutants change the protobuf and are compressed again, so that they pass gzip.
  const inside = seed.inner !== null && r.chance(0.75);
  let bytes: Uint8Array = inside ? seed.inner! : seed.bytes;
  const rounds = r.chance(0.5) ? 1 : r.between(2, 4);
  for (let k = 0; k < rounds; k++) {
    if (bytes.length === 0) break;
    const op = seed.kind === 'dump' && r.chance(0.4) ? lineOp : weighted(r, BYTE_OPS);
    const [next, label] = op(r, bytes, others);
    bytes = next;
    ops.push(label);
  }
  if (inside) {
    bytes = new Uint8Array(zlib.gzipSync(bytes, { level: 1 }));
    ops.push('gzip');
    if (r.chance(0.05)) {
      const at = r.below(bytes.length) + 1;
      bytes = bytes.subarray(0, at);
      ops.push(`cut@${at}`);
    }
  }
  return { kind: seed.kind, seed: seed.name, bytes: bytes.length === 0 ? seed.bytes.subarray(0, 1) : bytes, ops };
}

function weighted<T>(r: Random, items: readonly [T, number][]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = r.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1][0];
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function latin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
