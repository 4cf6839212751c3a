// The call graph pprof builds for its text reports at function granularity (internal/graph in
// Go's vendored pprof): one node per function (inlined frames count as their own function), flat
// value on the leaf-most kept node of each sample, cumulative value once per node per sample, and
// caller→callee edges that remember whether the call was inlined.

import type { Profile, ProfileIndex } from '../decode/pprof/model.ts';

/** The function nodes of a profile and, per location, its nodes innermost first. */
export interface FunctionNodes {
  /** Printable node names, by node number. */
  readonly names: readonly string[];
  /** Distinct identity per node number (names of nameless functions may repeat). */
  readonly keys: readonly string[];
  /** Location ID → node numbers, one per line (innermost first), or one for a location without lines. */
  readonly byLocation: ReadonlyMap<number, Int32Array>;
}

export function functionNodes(p: Profile, idx: ProfileIndex): FunctionNodes {
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
  return { names, keys, byLocation };
}

export interface CallGraph {
  /** Node numbers with a non-zero flat or cumulative value, unordered. */
  readonly nodes: number[];
  readonly flat: Float64Array;
  readonly cum: Float64Array;
  /** Edges by `caller * nodeCount + callee`. */
  readonly edges: ReadonlyMap<number, GraphEdge>;
}

export interface GraphEdge {
  readonly caller: number;
  readonly callee: number;
  weight: number;
  /** True when every call along this edge was inlined into its caller. */
  inline: boolean;
  /** Sample counter of the last sample that added to this edge (each sample adds once). */
  seen: number;
}

/**
 * Builds the graph of the samples' `valueIndex` values. With `kept`, only those nodes exist: a
 * sample's weight goes around the others, and its flat value is lost when its leaf is not kept
 * (pprof's residual edges).
 */
export function buildCallGraph(p: Profile, fn: FunctionNodes, valueIndex: number, kept: Uint8Array | null): CallGraph {
  const count = fn.names.length;
  const flat = new Float64Array(count);
  const cum = new Float64Array(count);
  const seenNode = new Float64Array(count).fill(-1);
  const edges = new Map<number, GraphEdge>();
  const samples = p.samples;
  for (let si = 0; si < samples.length; si++) {
    const s = samples[si];
    const w = s.values[valueIndex];
    if (w === 0) continue;
    let parent = -1;
    let residual = false;
    const ids = s.locationIds;
    for (let i = ids.length - 1; i >= 0; i--) {
      const nodes = fn.byLocation.get(ids[i])!;
      for (let ni = nodes.length - 1; ni >= 0; ni--) {
        const n = nodes[ni];
        if (kept !== null && kept[n] === 0) {
          residual = true;
          continue;
        }
        if (seenNode[n] !== si) {
          seenNode[n] = si;
          cum[n] += w;
        }
        if (parent >= 0 && n !== parent) {
          const key = parent * count + n;
          let e = edges.get(key);
          if (!e) {
            e = { caller: parent, callee: n, weight: 0, inline: true, seen: -1 };
            edges.set(key, e);
          }
          if (e.seen !== si) {
            e.seen = si;
            e.weight += w;
            if (ni === nodes.length - 1) e.inline = false;
          }
        }
        parent = n;
        residual = false;
      }
    }
    if (parent >= 0 && !residual) flat[parent] += w;
  }
  const nodes: number[] = [];
  for (let n = 0; n < count; n++) {
    if (kept !== null && kept[n] === 0) continue;
    if (flat[n] !== 0 || cum[n] !== 0) nodes.push(n);
  }
  return { nodes, flat, cum, edges };
}

/** Sorts node numbers as pprof's -top does: by |flat| (or |cum|), then name, then the other value. */
export function sortNodes(g: CallGraph, fn: FunctionNodes, byCum: boolean): void {
  const { flat, cum } = g;
  const primary = byCum ? cum : flat;
  const secondary = byCum ? flat : cum;
  g.nodes.sort((a, b) => {
    const pa = Math.abs(primary[a]);
    const pb = Math.abs(primary[b]);
    if (pa !== pb) return pb - pa;
    const na = fn.names[a];
    const nb = fn.names[b];
    if (na !== nb) return na < nb ? -1 : 1;
    const sa = Math.abs(secondary[a]);
    const sb = Math.abs(secondary[b]);
    if (sa !== sb) return sb - sa;
    return fn.keys[a] < fn.keys[b] ? -1 : fn.keys[a] > fn.keys[b] ? 1 : 0;
  });
}
