// A map from goroutine (or P) IDs to what is kept of the ones alive, for the trace decoder's
// ordering and the indexer: an open-addressing hash table (linear probing, backward-shift
// deletion) with its keys in a typed array. A trace creates and ends millions of goroutines while
// a few thousand live at once. Under that churn a Map cost about a second of a 168 MB trace's
// indexing in get/set/delete; an array indexed by ID grew to every ID ever used (40 MB more
// peak memory for the decoder, and the garbage collector scans every slot). Memory here follows
// the goroutines alive, whatever IDs a (hostile) trace uses.

/** An empty slot; negative IDs (a corrupt trace's, or Go's −1 for "none") live in a Map aside. */
const EMPTY = -1;

export class IdTable<V> {
  private keys = new Float64Array(1024).fill(EMPTY);
  private values: (V | undefined)[] = new Array<V | undefined>(1024).fill(undefined);
  private bits = 10;
  private count = 0;
  private readonly negative = new Map<number, V>();

  get size(): number {
    return this.count + this.negative.size;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  get(id: number): V | undefined {
    if (id < 0) return this.negative.get(id);
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = this.slot(id); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === id) return this.values[i];
      if (k === EMPTY) return undefined;
    }
  }

  /** Adds or replaces. */
  set(id: number, value: V): void {
    if (id < 0) {
      this.negative.set(id, value);
      return;
    }
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = this.slot(id);
    while (keys[i] !== EMPTY && keys[i] !== id) i = (i + 1) & mask;
    if (keys[i] === EMPTY) this.count++;
    keys[i] = id;
    this.values[i] = value;
  }

  delete(id: number): void {
    if (id < 0) {
      this.negative.delete(id);
      return;
    }
    const keys = this.keys;
    const values = this.values;
    const mask = keys.length - 1;
    let i = this.slot(id);
    while (keys[i] !== id) {
      if (keys[i] === EMPTY) return;
      i = (i + 1) & mask;
    }
    this.count--;
    // Backward shift: move later entries of the probe run into the hole when their home slot
    // allows it, so that lookups never meet a gap inside a run.
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.slot(keys[j]);
      // Entry j may move to i when its home is not in the cyclic interval (i, j].
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    keys[i] = EMPTY;
    values[i] = undefined;
  }

  *entries(): IterableIterator<[number, V]> {
    yield* this.negative;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY) yield [this.keys[i], this.values[i]!];
  }

  private slot(id: number): number {
    // Fibonacci hashing of the low 32 bits (IDs are mostly consecutive).
    return Math.imul(id | 0, 0x9e3779b1) >>> (32 - this.bits);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits).fill(EMPTY);
    this.values = new Array<V | undefined>(1 << this.bits).fill(undefined);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.set(oldKeys[i], oldValues[i]!);
  }
}
