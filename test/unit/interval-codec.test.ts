// The packed interval chunks round-trip: every field of every interval, with the durations
// stored in ticks of clocks of integral and non-integral ns per tick (the old formats' clocks run
// at the CPU's tick rate ÷ 64), including durations that are not whole ticks and ones past 2^32.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkEncoder, decodeChunk, storedNsPerTick } from '../../src-main/index/interval-codec.ts';

test('chunks decode to the intervals encoded, whatever the clock', () => {
  let seed = 3;
  const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
  for (const raw of [0, 0.5, 1, 64, 63.999997, 21.874, 100]) {
    const nsPerTick = storedNsPerTick(raw);
    const enc = new ChunkEncoder(nsPerTick);
    const want: unknown[][] = [];
    let t = 1_000_000_007;
    for (let i = 0; i < 2000; i++) {
      const state = 1 + random(5);
      const ticks = [0, 1, 3, 1000, 2 ** 20, 2 ** 36][random(6)] + random(50);
      // Mostly whole ticks as the decoder makes them (truncated products), sometimes anything.
      const d = random(4) === 0 ? random(1e7) : Math.trunc((t + ticks) * nsPerTick) - Math.trunc(t * nsPerTick);
      const running = state === 3;
      const iv = [t, t + d, state, random(3) === 0 ? 0 : random(300), random(2) ? 0 : random(5000), i === 1999,
        running || state === 5 ? random(3) * 1_000_003 : -1, running ? random(3) - 1 : -1];
      if (i === 0) enc.begin(t);
      enc.add(d, ...(iv.slice(2) as [number, number, number, boolean, number, number]));
      want.push(iv);
      t += d;
    }
    const got: unknown[][] = [];
    decodeChunk(enc.take(), want[0][0] as number, nsPerTick, (...iv) => void got.push(iv));
    assert.deepEqual(got, want, `ns per tick ${raw}`);
  }
});

test('a chunk starts where the last one taken ended; a goroutine\'s intervals begin on an empty encoder', () => {
  const enc = new ChunkEncoder(64);
  enc.begin(1000);
  enc.add(100, 2, 0, 0, false, -1, -1);
  enc.add(300, 3, 0, 0, false, 5, 1);
  assert.deepEqual([enc.start, enc.end, enc.count], [1000, 1400, 2]);
  assert.throws(() => enc.begin(0), /not taken/);
  enc.take();
  enc.add(50, 4, 7, 0, true, -1, -1);
  assert.deepEqual([enc.start, enc.end, enc.count], [1400, 1450, 1]);
  const got: number[][] = [];
  decodeChunk(enc.take(), 1400, 64, (start, end) => void got.push([start, end]));
  assert.deepEqual(got, [[1400, 1450]]);
});
