// The call graph pprof builds for its text reports at function granularity (internal/graph in
// Go's vendored pprof): one node per function (inlined frames count as their own function), flat
// value on the leaf-most kept node of each sample, cumulative value once per node per sample, and
// caller→callee edges that remember whether the call was inlined.
//
// A report builds the graph up to four times (all nodes, after the cutoff, after the -n limit,
// then the edges of what is shown), so the samples are first flattened into typed arrays of
// node numbers: on a 300 k-sample profile this is ~10× faster than walking Maps of locations.

import type { Profile, ProfileIndex } from '../decode/pprof/model.ts';

/** A profile's samples as function nodes, ready for repeated graph building. */
export interface FunctionGraphInput {
  /** Printable node names, by node number. */
  readonly names: readonly string[];
  /** Distinct identity per node number (names of nameless functions may repeat). */
  readonly keys: readonly string[];
  /**
   * Every sample's frames as node numbers, root first (the order pprof walks them), and for each
   * frame whether it is the outermost line of its location (a call that was not inlined).
   * Sample i's frames are `frames[frameStart[i] … frameStart[i+1])`.
   */
  readonly frames: Int32Array;
  readonly outermost: Uint8Array;
  readonly frameStart: Int32Array;
  /** 1 for nodes that are an inlined line somewhere: only calls into those can be marked inline. */
  readonly everInlined: Uint8Array;
}

export function functionGraphInput(p: Profile, idx: ProfileIndex): FunctionGraphInput {
  const names: string[] = [];
  const keys: string[] = [];
  const numbers = new Map<string, number>();
  const node = (key: string, name: string): number => {
    let n = numbers.get(key);
    if (n === undefined) {
      n = names.length;
      numbers.set(key, n);
      names.push(name);
      keys.push(key);
    }
    return n;
  };
  // Nodes of each location, innermost first: one per line, or one for a location without lines.
  const byLocation = new Map<number, Int32Array>();
  for (const l of p.locations) {
    const mapping = l.mappingId ? idx.mappings.get(l.mappingId) : undefined;
    const objfile = mapping?.filename ?? '';
    // Without a function name pprof falls back to the binary's base name, then to "<unknown>".
    const anonymous = objfile ? `[${objfile.slice(objfile.lastIndexOf('/') + 1)}]` : '<unknown>';
    if (l.lines.length === 0) {
      byLocation.set(l.id, Int32Array.of(node(`\0${objfile}\x000`, anonymous)));
      continue;
    }
    const nodes = new Int32Array(l.lines.length);
    for (let i = 0; i < l.lines.length; i++) {
      const f = idx.functions.get(l.lines[i].functionId);
      nodes[i] = f && f.name !== '' ? node(f.name, f.name) : node(`\0${objfile}\0${f?.startLine ?? 0}`, anonymous);
    }
    byLocation.set(l.id, nodes);
  }

  let total = 0;
  for (const s of p.samples) for (const id of s.locationIds) total += byLocation.get(id)!.length;
  const frames = new Int32Array(total);
  const outermost = new Uint8Array(total);
  const frameStart = new Int32Array(p.samples.length + 1);
  let k = 0;
  for (let si = 0; si < p.samples.length; si++) {
    frameStart[si] = k;
    const ids = p.samples[si].locationIds;
    for (let i = ids.length - 1; i >= 0; i--) {
      const nodes = byLocation.get(ids[i])!;
      for (let ni = nodes.length - 1; ni >= 0; ni--) {
        frames[k] = nodes[ni];
        outermost[k] = ni === nodes.length - 1 ? 1 : 0;
        k++;
      }
    }
  }
  frameStart[p.samples.length] = k;
  const everInlined = new Uint8Array(names.length);
  for (const nodes of byLocation.values()) for (let i = 0; i < nodes.length - 1; i++) everInlined[nodes[i]] = 1;
  return { names, keys, frames, outermost, frameStart, everInlined };
}

export interface CallGraph {
  /** Node numbers with a non-zero flat or cumulative value, unordered. */
  readonly nodes: number[];
  readonly flat: Float64Array;
  readonly cum: Float64Array;
  /**
   * Caller→callee edges (only when built with edges, and only into nodes that are inlined
   * somewhere: the edges into the others cannot make a row "(inline)").
   */
  readonly edges: readonly GraphEdge[];
}

export interface GraphEdge {
  readonly caller: number;
  readonly callee: number;
  readonly weight: number;
  /** True when every call along this edge was inlined into its caller. */
  readonly inline: boolean;
}

/**
 * Builds the graph of `weights` (one value per sample). With `kept`, only those nodes exist: a
 * sample's weight goes around the others, and its flat value is lost when its leaf is not kept
 * (pprof's residual edges). Edges are collected only when asked for.
 */
export function buildCallGraph(input: FunctionGraphInput, weights: ArrayLike<number>, kept: Uint8Array | null, withEdges: boolean): CallGraph {
  const count = input.names.length;
  const { frames, outermost, frameStart } = input;
  const flat = new Float64Array(count);
  const cum = new Float64Array(count);
  const seenNode = new Int32Array(count).fill(-1);
  const edges = new EdgeTable();
  const samples = frameStart.length - 1;
  for (let si = 0; si < samples; si++) {
    const w = weights[si];
    if (w === 0) continue;
    let parent = -1;
    let residual = false;
    for (let k = frameStart[si], end = frameStart[si + 1]; k < end; k++) {
      const n = frames[k];
      if (kept !== null && kept[n] === 0) {
        residual = true;
        continue;
      }
      if (seenNode[n] !== si) {
        seenNode[n] = si;
        cum[n] += w;
      }
      if (withEdges && parent >= 0 && n !== parent && input.everInlined[n] === 1) edges.add(parent, n, w, si, outermost[k] === 1);
      parent = n;
      residual = false;
    }
    if (parent >= 0 && !residual) flat[parent] += w;
  }
  const nodes: number[] = [];
  for (let n = 0; n < count; n++) {
    if (kept !== null && kept[n] === 0) continue;
    if (flat[n] !== 0 || cum[n] !== 0) nodes.push(n);
  }
  return { nodes, flat, cum, edges: edges.list() };
}

/** A well-mixed 32-bit hash of a node pair (murmur3's finaliser over the pair). */
function edgeHash(caller: number, callee: number): number {
  let h = Math.imul(caller, 0x9e3779b1) ^ callee;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Caller→callee edge weights in an open-addressing hash table with one interleaved slot per edge
 * (caller, callee, weight, last sample × 2 + still-inline bit): a large profile has millions of
 * distinct edges, and one cache line per probe matters (a Map of them took 6.6 s on 2 M edges).
 */
class EdgeTable {
  private capacity = 1 << 12;
  private size = 0;
  private slots = EdgeTable.empty(this.capacity);

  private static empty(capacity: number): Float64Array {
    const slots = new Float64Array(capacity * 4);
    for (let i = 0; i < slots.length; i += 4) slots[i] = -1;
    return slots;
  }

  add(caller: number, callee: number, w: number, sample: number, notInlined: boolean): void {
    const mask = this.capacity - 1;
    const slots = this.slots;
    let h = edgeHash(caller, callee) & mask;
    let at = h * 4;
    while (slots[at] !== -1 && (slots[at] !== caller || slots[at + 1] !== callee)) {
      h = (h + 1) & mask;
      at = h * 4;
    }
    if (slots[at] === -1) {
      if ((this.size + 1) * 2 > this.capacity) {
        this.grow();
        this.add(caller, callee, w, sample, notInlined);
        return;
      }
      this.size++;
      slots[at] = caller;
      slots[at + 1] = callee;
      slots[at + 2] = 0;
      slots[at + 3] = -2 + 1; // no sample yet, still inline
    }
    const state = slots[at + 3];
    if (Math.floor(state / 2) === sample) return;
    slots[at + 2] += w;
    slots[at + 3] = sample * 2 + (notInlined ? 0 : state & 1);
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = EdgeTable.empty(this.capacity);
    const mask = this.capacity - 1;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i] === -1) continue;
      let h = edgeHash(old[i], old[i + 1]) & mask;
      while (this.slots[h * 4] !== -1) h = (h + 1) & mask;
      this.slots.set(old.subarray(i, i + 4), h * 4);
    }
  }

  list(): GraphEdge[] {
    const out: GraphEdge[] = [];
    const s = this.slots;
    for (let i = 0; i < s.length; i += 4) {
      if (s[i] !== -1) out.push({ caller: s[i], callee: s[i + 1], weight: s[i + 2], inline: (s[i + 3] & 1) === 1 });
    }
    return out;
  }
}

/** Sorts node numbers as pprof's -top does: by |flat| (or |cum|), then name, then the other value. */
export function sortNodes(g: CallGraph, input: FunctionGraphInput, byCum: boolean): void {
  const { flat, cum } = g;
  const primary = byCum ? cum : flat;
  const secondary = byCum ? flat : cum;
  const { names, keys } = input;
  g.nodes.sort((a, b) => {
    const pa = Math.abs(primary[a]);
    const pb = Math.abs(primary[b]);
    if (pa !== pb) return pb - pa;
    if (names[a] !== names[b]) return names[a] < names[b] ? -1 : 1;
    const sa = Math.abs(secondary[a]);
    const sb = Math.abs(secondary[b]);
    if (sa !== sb) return sb - sa;
    return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0;
  });
}
