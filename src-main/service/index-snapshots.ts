// A first view in seconds (issue 20): an index job of the app indexes a trace first for a couple
// of seconds, stops at the next generation boundary and catalogues what it read as a partial index
// (the views open on it), then indexes it again for longer, and finally whole. Each pass replaces
// the one before under the same content hash, so the views of that artefact grow; a goroutine alive
// at a snapshot's frontier is drawn as continuing, which is what the whole index says of it too.
//
// The passes are independent indexings from the start of the file (the pipeline cannot resume one),
// so the snapshots are extra work. Each pass decodes `growth` times longer than the one before, and
// a pass is a snapshot only while its time is at most 1/growth of the whole indexing's (estimated
// from the rate of the pass before): the snapshots' decoding then adds at most 1/(growth − 1) of the
// whole (growth 8: ≤ 14 %), plus a hash of the file per snapshot. A trace indexed whole within the
// first pass's time has no snapshot and costs nothing more.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IndexCancelled, type Artefact, type IndexOptions, type IndexOutcome, type Library, type PartialStop } from '../index/library.ts';
import type { IndexTestHooks } from '../index/test-hooks.ts';

/** When a job's passes stop. */
export interface SnapshotPlan {
  /** Wall milliseconds the first pass decodes before it stops at the next generation boundary. */
  readonly firstMs: number;
  /** Each further pass decodes this many times longer (or this many times more generations) than the one before. */
  readonly growth: number;
  /** Instead of times, the first pass stops after this many generations (tests: the same snapshots every run). */
  readonly firstGenerations?: number;
  /** Once the first snapshot is catalogued, wait until this file exists before going on (tests). */
  readonly holdUntil?: string;
  /**
   * Run the passes after the first snapshot below normal priority, so that the views it opened
   * (the host's main thread) come first on a machine whose cores the indexing fills. Linux only,
   * where a nice value belongs to a thread: this one, and the decoding threads it starts inherit
   * it; elsewhere it would lower the whole host. A thread cannot raise it again unprivileged, so
   * the index jobs retire their worker after such a job.
   */
  readonly background?: boolean;
}

/**
 * 2 s of decoding is 5–15 % of a busy 1 GB trace; with the index builds that follow, the hash and
 * the page's first requests, the first timeline is drawn well within the 10 s.
 */
export const SNAPSHOT_PLAN: SnapshotPlan = { firstMs: 2000, growth: 8, background: true };

/** The plan with the test hooks' changes (index/test-hooks.ts). */
export function snapshotPlan(hooks: IndexTestHooks): SnapshotPlan {
  return { ...SNAPSHOT_PLAN, firstGenerations: hooks.snapshotGenerations, holdUntil: hooks.holdSnapshotUntil };
}

export interface SnapshotOptions extends Pick<IndexOptions, 'onProgress' | 'shouldCancel'> {
  /** Called once each snapshot (a partial index) is catalogued, before the next pass starts. */
  onSnapshot?: (artefact: Artefact) => void;
}

/** How often the hold hook looks for its file, ms. */
const HOLD_POLL_MS = 50;

/**
 * Indexes `file` into `library` in passes as `plan` says, publishing each partial pass through
 * `onSnapshot`; returns the whole index's outcome. A kind without generations (profiles, dumps,
 * traces before Go 1.22) is indexed whole by the first pass. If the job is cancelled or fails
 * after a snapshot, the snapshot is removed again, unless the library held a partial index of this
 * content before the job (`goroscope index --keep-partial`): that one is only ever replaced by a
 * larger one.
 */
export function indexWithSnapshots(library: Library, file: string, plan: SnapshotPlan, options: SnapshotOptions = {}): IndexOutcome {
  const size = fs.statSync(file).size;
  const kept = keptPartial(library, file);
  /** Bytes of the input the last snapshot covers: each pass must go past it, and progress never goes back below it. */
  let floorBytes = kept?.partial?.bytesIndexed ?? 0;
  let budgetMs = plan.firstMs;
  let generations = plan.firstGenerations === undefined ? undefined : Math.max(plan.firstGenerations, (kept?.partial?.generations ?? 0) + 1);
  let snapshot: Artefact | null = null;
  /** The bytes the job's progress says are read: the most any pass has read so far. */
  let shownBytes = floorBytes;
  try {
    for (let pass = 1; ; pass++) {
      const flag = new SharedArrayBuffer(4);
      const stop: PartialStop | undefined = generations !== undefined ? { afterGenerations: generations } : budgetMs < Infinity ? { flag } : undefined;
      const started = performance.now();
      let decodedMs = 0;
      const floor = floorBytes;
      const outcome = library.index(file, {
        stop, keepPartial: stop !== undefined, shouldCancel: options.shouldCancel,
        onProgress: (p) => {
          const elapsed = performance.now() - started;
          if (p.phase === 'decoding') {
            decodedMs = elapsed;
            if (generations === undefined && elapsed >= budgetMs && p.bytes > floor) Atomics.store(new Int32Array(flag), 0, 1);
          }
          if (stop !== undefined && p.phase === 'done') return; // the job goes on
          // Each pass reads from the start, and a stopped one says it finishes the whole file: the job's bytes only grow.
          shownBytes = Math.max(shownBytes, stop === undefined || p.phase === 'decoding' ? p.bytes : 0);
          options.onProgress?.({ ...p, bytes: shownBytes });
        },
      });
      if (!outcome.artefact.partial) return outcome;
      snapshot = outcome.artefact;
      floorBytes = snapshot.partial!.bytesIndexed;
      options.onSnapshot?.(snapshot);
      if (pass === 1 && plan.holdUntil) hold(plan.holdUntil, options.shouldCancel);
      if (pass === 1 && plan.background) setThreadPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
      if (options.shouldCancel?.()) throw new IndexCancelled(file);
      if (generations !== undefined) {
        generations = Math.ceil(snapshot.partial!.generations * plan.growth);
      } else {
        // The whole indexing's time at this pass's rate: another snapshot only while it is at most 1/growth of it.
        const wholeMs = (Math.max(decodedMs, 1) * size) / Math.max(floorBytes, 1);
        budgetMs = budgetMs * plan.growth <= wholeMs / plan.growth ? budgetMs * plan.growth : Infinity;
      }
    }
  } catch (e) {
    if (snapshot && !kept) library.remove(snapshot.hash);
    throw e;
  }
}

/** A partial index the library held of this file before the job (hashing the file only when its path is catalogued partial). */
function keptPartial(library: Library, file: string): Artefact | null {
  const abs = path.resolve(file);
  if (!library.list().some((a) => a.partial && a.path === abs)) return null;
  const found = library.findByContent(file);
  return found?.partial && library.isCurrent(found) ? found : null;
}

/** Sets this thread's nice value on Linux (lowering a thread's priority is always allowed; the index jobs start a new worker after such a job). */
function setThreadPriority(priority: number): void {
  if (process.platform === 'linux') os.setPriority(priority);
}

/** The test hook: waits until `file` exists (or the job is cancelled). */
function hold(file: string, shouldCancel?: () => boolean): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(file) && !shouldCancel?.()) Atomics.wait(sleeper, 0, 0, HOLD_POLL_MS);
}
