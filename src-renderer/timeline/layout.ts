// Where things are on the timeline canvas, in CSS pixels: the label gutter on the left, the
// time axis and summary tracks on top, then the goroutine rows (scrolled vertically).

export const ROW_HEIGHT = 22;
/** Height of one P or M lane. */
export const LANE_HEIGHT = 15;
/** Lanes shown at most per lane track (threads can be hundreds; the rest are counted in the label). */
export const MAX_LANES = 32;
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
  /** The collector's share of the CPU, per GC cycle. */
  gcCpuTop: number;
  gcCpuHeight: number;
  procsTop: number;
  procsHeight: number;
  threadsTop: number;
  threadsHeight: number;
  /** The user task track (one lane per nesting depth). */
  tasksTop: number;
  tasksHeight: number;
  /** Top of the first row when not scrolled. */
  rowsTop: number;
}

export interface TrackChoice {
  counts: boolean;
  heap: boolean;
  /** One lane per P: the goroutine running on it. */
  procs: boolean;
  /** One lane per M: what it ran, and its syscalls. */
  threads: boolean;
  /** Unblock arrows of the selected goroutine (and of all in view when zoomed in). */
  arrows: boolean;
  /** User regions inside their goroutine's row. */
  regions: boolean;
  /** User tasks, a track of their own. */
  tasks: boolean;
  /** Log messages on their goroutine's row. */
  logs: boolean;
  /** CPU profile samples as ticks on their goroutine's row. */
  cpuSamples: boolean;
  /** Mark assists and sweeps on the goroutine that paid for them. */
  gcWork: boolean;
  /** The collector's share of the CPU in each GC cycle. */
  gcCpu: boolean;
}

/** How many lanes each lane track has (0 until known). */
export interface LaneCounts {
  procs: number;
  threads: number;
  /** Lanes of the task track (its deepest nesting + 1; 0 without tasks). */
  tasks?: number;
}

export function makeLayout(width: number, height: number, tracks: TrackChoice, lanes: LaneCounts = { procs: 0, threads: 0 }): Layout {
  const gutter = Math.min(240, Math.max(140, Math.round(width * 0.17)));
  const axisTop = 0;
  const axisHeight = 26;
  const gcTop = axisTop + axisHeight;
  const gcHeight = 20;
  const countsTop = gcTop + gcHeight;
  const countsHeight = tracks.counts ? 40 : 0;
  const heapTop = countsTop + countsHeight;
  const heapHeight = tracks.heap ? 40 : 0;
  const gcCpuTop = heapTop + heapHeight;
  const gcCpuHeight = tracks.gcCpu ? 30 : 0;
  const procsTop = gcCpuTop + gcCpuHeight;
  const procsHeight = tracks.procs && lanes.procs > 0 ? Math.min(lanes.procs, MAX_LANES) * LANE_HEIGHT + 4 : 0;
  const threadsTop = procsTop + procsHeight;
  const threadsHeight = tracks.threads && lanes.threads > 0 ? Math.min(lanes.threads, MAX_LANES) * LANE_HEIGHT + 4 : 0;
  const tasksTop = threadsTop + threadsHeight;
  const tasksHeight = tracks.tasks && (lanes.tasks ?? 0) > 0 ? (lanes.tasks ?? 0) * LANE_HEIGHT + 4 : 0;
  return {
    width, height, gutter, axisTop, axisHeight, gcTop, gcHeight, countsTop, countsHeight, heapTop, heapHeight, gcCpuTop, gcCpuHeight,
    procsTop, procsHeight, threadsTop, threadsHeight, tasksTop, tasksHeight, rowsTop: tasksTop + tasksHeight + 4,
  };
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
