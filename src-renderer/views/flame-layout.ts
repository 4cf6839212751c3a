// The flame graph's geometry and colours, out of the component: which rectangles a zoom shows
// (as fractions of the width, one row per depth), the package a Go function belongs to, and the
// share of the profile a search matches.

import type { FlameNode } from '../../src-main/service/types.ts';

/** One drawn frame: `x` and `w` are fractions of the graph's width, `depth` its row. */
export interface FlameRect {
  readonly node: FlameNode;
  readonly x: number;
  readonly w: number;
  readonly depth: number;
  /** The rectangle it hangs from (null for the root row); clicks follow it back to the root. */
  readonly parent: FlameRect | null;
  /** On the path from the root to the zoomed node (drawn full width, muted). */
  readonly ancestor: boolean;
}

/**
 * Rows of rectangles for a zoom on `path` (root … focus): the path full width, then the focus's
 * subtree scaled to it. Frames narrower than `minWidth` are left out with their subtrees. A child
 * is as wide as its share of the parent's |value|; with a base subtracted, children of mixed sign
 * can outweigh their parent, and are then scaled to fit.
 */
export function layoutFlame(path: readonly FlameNode[], minWidth: number): FlameRect[][] {
  const rows: FlameRect[][] = [];
  const place = (r: FlameRect) => (rows[r.depth] ??= []).push(r);
  let parent: FlameRect | null = null;
  path.forEach((node, depth) => {
    const r: FlameRect = { node, x: 0, w: 1, depth, parent, ancestor: depth < path.length - 1 };
    place(r);
    parent = r;
  });
  const stack: FlameRect[] = parent ? [parent] : [];
  while (stack.length > 0) {
    const r = stack.pop()!;
    let sum = 0;
    for (const c of r.node.children) sum += Math.abs(c.value);
    const scale = Math.max(Math.abs(r.node.value), sum);
    if (scale === 0) continue;
    let x = r.x;
    const placed: FlameRect[] = [];
    for (const c of r.node.children) {
      const w = (Math.abs(c.value) / scale) * r.w;
      if (w >= minWidth) {
        const child: FlameRect = { node: c, x, w, depth: r.depth + 1, parent: r, ancestor: false };
        place(child);
        placed.push(child);
      }
      x += w;
    }
    // Depth-first, left to right: every row stays sorted by x (for hit testing).
    for (let i = placed.length - 1; i >= 0; i--) stack.push(placed[i]);
  }
  return rows;
}

/** The rectangle at fraction `x` of a row sorted by x, or null. */
export function rectAt(row: readonly FlameRect[] | undefined, x: number): FlameRect | null {
  if (!row) return null;
  let lo = 0;
  let hi = row.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = row[mid];
    if (x < r.x) hi = mid - 1;
    else if (x >= r.x + r.w) lo = mid + 1;
    else return r;
  }
  return null;
}

/** The nodes from the root to a rectangle's node. */
export function pathOf(r: FlameRect): FlameNode[] {
  const path: FlameNode[] = [];
  for (let at: FlameRect | null = r; at; at = at.parent) path.push(at.node);
  return path.reverse();
}

/**
 * A Go function's package: the import path up to the first "." after its last "/"
 * ("net/http.(*conn).serve" → "net/http", "main.main" → "main").
 */
export function packageOf(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot < 0 ? name : name.slice(0, dot);
}

/** A stable hue for a package (FNV-1a of its name), so a package keeps its colour across profiles. */
export function packageHue(pkg: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pkg.length; i++) {
    h ^= pkg.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 360;
}

/** A case-insensitive substring test for function names ("" matches nothing). */
export function nameMatcher(search: string): ((name: string) => boolean) | null {
  const needle = search.trim().toLowerCase();
  return needle === '' ? null : (name) => name.toLowerCase().includes(needle);
}

/**
 * What the matching functions account for: the sum over matching nodes with no matching
 * ancestor (a sample is counted once however many matches its stack holds).
 */
export function matchedValue(root: FlameNode, matches: (name: string) => boolean): number {
  let sum = 0;
  const stack: FlameNode[] = [...root.children];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (matches(n.name)) sum += n.value;
    else stack.push(...n.children);
  }
  return sum;
}

/** "12.34%" of a total (pprof's two decimals). */
export function percentOf(value: number, total: number): string {
  return total === 0 ? '0%' : `${((value / total) * 100).toFixed(2)}%`;
}
