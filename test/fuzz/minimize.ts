// Shrinks an input that broke a rule to a small one that still breaks it the same way (same
// signature): a profile's protobuf without its gzip wrapping, a Go 1.22+ trace's whole batches,
// a dump's lines, then byte ranges (halves, quarters, … of what is left), within a budget of
// checks and time.

import * as zlib from 'node:zlib';

export type Recheck = (bytes: Uint8Array) => Promise<string | null>;

export async function minimize(bytes: Uint8Array, signature: string, recheck: Recheck, options: {
  text: boolean; maxChecks: number; maxMs: number;
}): Promise<Uint8Array> {
  const deadline = performance.now() + options.maxMs;
  let checks = 0;
  const spent = () => checks >= options.maxChecks || performance.now() > deadline;
  const same = async (candidate: Uint8Array): Promise<boolean> => {
    if (candidate.length === 0 || spent()) return false;
    checks++;
    return (await recheck(candidate)) === signature;
  };
  let best = bytes;
  // A gzipped input whose protobuf alone breaks the rule: work on the protobuf.
  if (best[0] === 0x1f && best[1] === 0x8b) {
    try {
      const inner = new Uint8Array(zlib.gunzipSync(best));
      if (await same(inner)) best = inner;
    } catch {
      // damaged gzip: keep the bytes as they are
    }
  }
  // Whole generations first (a generation's batches only make sense together), then batches.
  for (const level of ['generation', 'batch'] as const) {
    const units = traceUnits(best, level);
    if (!units) break;
    const [header, ...rest] = units;
    const kept = await removeChunks(rest, spent, async (candidate) => same(join([header, ...candidate])));
    best = join([header, ...kept]);
  }
  if (options.text) {
    const lines = Buffer.from(best).toString('latin1').split('\n');
    const kept = await removeChunks(lines, spent, async (candidate) => same(new Uint8Array(Buffer.from(candidate.join('\n'), 'latin1'))));
    best = new Uint8Array(Buffer.from(kept.join('\n'), 'latin1'));
  }
  return removeChunks(best, spent, same);
}

/**
 * A generation-based trace cut into its header and whole generations or batches (an
 * end-of-generation marker goes with the batches before it); null for anything else.
 */
function traceUnits(bytes: Uint8Array, level: 'generation' | 'batch'): Uint8Array[] | null {
  const header = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
  if (!/^go 1\.(2[2-9]) trace\0+$/.test(header)) return null;
  const units = [bytes.subarray(0, 16)];
  let unitStart = 16;
  let unitGen = -1;
  let pos = 16;
  const uvarint = (): number => {
    let v = 0;
    for (let i = 0, mul = 1; i < 10 && pos < bytes.length; i++, mul *= 128) {
      const b = bytes[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
    }
    return Infinity;
  };
  while (pos < bytes.length) {
    const start = pos;
    const typ = bytes[pos++];
    if (typ === 0x31) pos++;
    let gen = unitGen;
    if (typ === 0x01 || typ === 0x31) {
      gen = uvarint();
      uvarint();
      uvarint();
      const size = uvarint(); // read before `pos +=` reads pos
      pos += size;
    }
    if (pos > bytes.length || !Number.isFinite(pos)) pos = bytes.length;
    if (level === 'batch' || (gen !== unitGen && start > unitStart)) {
      if (start > unitStart) units.push(bytes.subarray(unitStart, start));
      unitStart = start;
    }
    unitGen = gen;
  }
  if (pos > unitStart) units.push(bytes.subarray(unitStart, Math.min(pos, bytes.length)));
  return units.length > 2 ? units : null;
}

function join(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** What removeChunks works on: arrays of units, or bytes (sliced without copying to numbers). */
type Sequence<T> = T[] | Uint8Array;

/** Removes chunks of decreasing size, from the end first (truncation is the most common shrink). */
async function removeChunks<S extends Sequence<unknown>>(items: S, spent: () => boolean, stillFails: (candidate: S) => Promise<boolean>): Promise<S> {
  let current = items;
  // The longest suffix, then the longest prefix that can go (bisected): chunks of halving sizes
  // miss a prefix whose length is not a multiple of theirs.
  for (const end of ['suffix', 'prefix'] as const) {
    let lo = 0;
    let hi = current.length - 1;
    while (lo < hi && !spent()) {
      const mid = (lo + hi + 1) >> 1;
      const candidate = end === 'suffix' ? without(current, current.length - mid, mid) : without(current, 0, mid);
      if (await stillFails(candidate)) lo = mid;
      else hi = mid - 1;
    }
    if (lo > 0) current = end === 'suffix' ? without(current, current.length - lo, lo) : without(current, 0, lo);
  }
  for (let chunk = Math.max(1, current.length >> 1); chunk >= 1 && !spent(); chunk >>= 1) {
    // Chunks aligned from the start, the last one first: a prefix of whole units is tried too.
    for (let start = Math.floor((current.length - 1) / chunk) * chunk; start >= 0 && !spent(); start -= chunk) {
      const candidate = without(current, start, chunk);
      if (candidate.length > 0 && await stillFails(candidate)) current = candidate;
    }
    if (chunk === 1) break;
  }
  return current;
}

function without<S extends Sequence<unknown>>(items: S, start: number, n: number): S {
  if (items instanceof Uint8Array) return join([items.subarray(0, start), items.subarray(start + n)]) as S;
  return [...items.slice(0, start), ...items.slice(start + n)] as S;
}
