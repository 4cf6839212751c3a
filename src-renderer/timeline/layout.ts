// Where things are on the timeline canvas, in CSS pixels: the label gutter on the left, the
// time axis and summary tracks on top, then the goroutine rows (scrolled vertically).

export const ROW_HEIGHT = 22;
/** Vertical padding of a span inside its row. */
export const ROW_PAD = 3;

export interface Layout {
  width: number;
  height: number;
  /** Width of the label column; the plot starts here. */
  gutter: number;
  axisTop: number;
  axisHeight: number;
  gcTop: number;
  gcHeight: number;
  countsTop: number;
  countsHeight: number;
  heapTop: number;
  heapHeight: number;
  /** Top of the first row when not scrolled. */
  rowsTop: number;
}

export interface TrackChoice {
  counts: boolean;
  heap: boolean;
}

export function makeLayout(width: number, height: number, tracks: TrackChoice): Layout {
  const gutter = Math.min(240, Math.max(140, Math.round(width * 0.17)));
  const axisTop = 0;
  const axisHeight = 26;
  const gcTop = axisTop + axisHeight;
  const gcHeight = 20;
  const countsTop = gcTop + gcHeight;
  const countsHeight = tracks.counts ? 40 : 0;
  const heapTop = countsTop + countsHeight;
  const heapHeight = tracks.heap ? 40 : 0;
  return { width, height, gutter, axisTop, axisHeight, gcTop, gcHeight, countsTop, countsHeight, heapTop, heapHeight, rowsTop: heapTop + heapHeight + 4 };
}

export function plotWidth(l: Layout): number {
  return Math.max(1, l.width - l.gutter);
}

/** Rows that fit below the tracks. */
export function visibleRowCount(l: Layout): number {
  return Math.max(1, Math.floor((l.height - l.rowsTop) / ROW_HEIGHT));
}

export function timeAt(l: Layout, t0: number, t1: number, x: number): number {
  return t0 + ((x - l.gutter) / plotWidth(l)) * (t1 - t0);
}

export function xAt(l: Layout, t0: number, t1: number, time: number): number {
  return l.gutter + ((time - t0) / (t1 - t0)) * plotWidth(l);
}
