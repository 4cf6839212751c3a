// The min-heap by time that both trace formats merge their per-thread (per-P) event streams
// with: the sift rules of Go's internal/trace batchCursor heap (v2/batchcursor.go), which are
// those of container/heap that tracev1 uses (a child replaces its parent only when strictly
// earlier; of two children the right one only when strictly earlier than the left): the order of
// events with equal times depends on them.

/** What the heap orders: `time`, read at every comparison, must not change while in the heap. */
export interface Timed {
  time: number;
}

export function heapInsert<T extends Timed>(heap: T[], bc: T): void {
  heap.push(bc);
  heapSiftUp(heap, heap.length - 1);
}

export function heapUpdate<T extends Timed>(heap: T[], i: number): void {
  if (heapSiftUp(heap, i) !== i) return;
  heapSiftDown(heap, i);
}

export function heapRemove<T extends Timed>(heap: T[], i: number): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
  const last = heap.length - 1;
  [heap[0], heap[last]] = [heap[last], heap[0]];
  heap.pop();
  heapSiftDown(heap, 0);
}

function heapSiftUp<T extends Timed>(heap: T[], i: number): number {
  while (i > 0 && heap[(i - 1) >> 1].time > heap[i].time) {
    const parent = (i - 1) >> 1;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
  return i;
}

function heapSiftDown<T extends Timed>(heap: T[], i: number): number {
  for (;;) {
    const m = min3(heap, i, 2 * i + 1, 2 * i + 2);
    if (m === i) break;
    [heap[i], heap[m]] = [heap[m], heap[i]];
    i = m;
  }
  return i;
}

function min3<T extends Timed>(b: T[], i0: number, i1: number, i2: number): number {
  let minIdx = i0;
  let minT = Infinity;
  if (i0 < b.length) minT = b[i0].time;
  if (i1 < b.length && b[i1].time < minT) {
    minT = b[i1].time;
    minIdx = i1;
  }
  if (i2 < b.length && b[i2].time < minT) {
    minIdx = i2;
  }
  return minIdx;
}


/** Removes and returns the earliest element (container/heap's Pop). */
export function heapPop<T extends Timed>(heap: T[]): T {
  const top = heap[0];
  heapRemove(heap, 0);
  return top;
}
