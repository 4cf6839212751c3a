// Hooks by which the crash and cancellation tests slow or stop indexing at a chosen point. The
// tests set them as environment variables of the process they start; the hosts that index (the
// CLI's library commands, the index worker of `goroscope serve` and the desktop app) read them
// here and hand them to the Library as options, so the library itself reads no environment.

export interface IndexTestHooks {
  /**
   * GOROSCOPE_TEST_STALL_INDEXING: where indexing stops, `1` after its first events (mid-write),
   * `renamed` once the finished index has its final name but before the catalogue lists it. There
   * it says "stalled" on stderr and waits forever, so that the test can kill -9 it at that moment.
   */
  stallAt?: '1' | 'renamed';
  /**
   * GOROSCOPE_TEST_SLOW_INDEXING=MS: every progress step sleeps that long, so that an indexing of
   * a small fixture is still running when the test cancels it.
   */
  slowStepMs?: number;
  /**
   * GOROSCOPE_TEST_ANNOUNCE_PROGRESS=1: indexing says "indexing" on stderr at its first progress
   * step, so that a test can interrupt it (Ctrl-C) once it is under way, without waiting for time.
   */
  announceProgress?: boolean;
  /**
   * GOROSCOPE_TEST_SNAPSHOT_GENERATIONS=N: an index job's first snapshot (service/index-snapshots.ts)
   * stops after N generations instead of after a time, so that what it shows is always the same.
   */
  snapshotGenerations?: number;
  /**
   * GOROSCOPE_TEST_HOLD_SNAPSHOT=FILE: once an index job has published its first snapshot, it waits
   * until FILE exists before it goes on, so that a test sees the partial view for as long as it needs.
   */
  holdSnapshotUntil?: string;
}

/** The hooks set in `env` (none in normal use). */
export function testHooksFromEnv(env: NodeJS.ProcessEnv = process.env): IndexTestHooks {
  const stall = env.GOROSCOPE_TEST_STALL_INDEXING;
  return {
    stallAt: stall === '1' || stall === 'renamed' ? stall : undefined,
    slowStepMs: Number(env.GOROSCOPE_TEST_SLOW_INDEXING ?? 0) || undefined,
    announceProgress: env.GOROSCOPE_TEST_ANNOUNCE_PROGRESS === '1' || undefined,
    snapshotGenerations: Number(env.GOROSCOPE_TEST_SNAPSHOT_GENERATIONS ?? 0) || undefined,
    holdSnapshotUntil: env.GOROSCOPE_TEST_HOLD_SNAPSHOT || undefined,
  };
}
