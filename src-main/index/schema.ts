// The schema of a trace's index (one SQLite file per indexed artefact; profiles and dumps have
// their own tables beside the shared `meta`, see profile-indexer.ts and dump-indexer.ts).
//
// Times are nanoseconds relative to the trace's first event (meta 'start_ns' holds that event's
// time in the decoder's clock, 'time_origin' the decoder's origin), so every time fits an
// integer comfortably. String and stack IDs are the index's own, deduplicated across generations.

/** Bump on any change to tables, columns or their meaning: older indexes are then rebuilt. */
export const SCHEMA_VERSION = 20;

/** Goroutine states as stored: a state's code is its index in GO_STATES (decode/gotrace/go-states.ts). */
export { GO_STATE, GO_STATES } from '../decode/gotrace/go-states.ts';

/** Range scopes as stored. */
export const SCOPE_KINDS = ['none', 'goroutine', 'proc', 'thread'] as const;

/** Key/value facts about an index (schema_version, kind, format, hash, summary…): every kind has it. */
export const META_TABLE = 'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;';

export const TRACE_TABLES = `
CREATE TABLE strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE frames (id INTEGER PRIMARY KEY, pc INTEGER NOT NULL, func INTEGER NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL);
-- A stack's frames, innermost (position 0) first.
CREATE TABLE stack_frames (stack INTEGER NOT NULL, position INTEGER NOT NULL, frame INTEGER NOT NULL, PRIMARY KEY (stack, position)) WITHOUT ROWID;
-- Rows are written as goroutines end: nearly in ID order (IDs are handed out as goroutines are
-- created), which SQLite appends about as fast as in order. The ID is the rowid, so the sort
-- indexes below hold (column, id) and break ties by ID.
CREATE TABLE goroutines (
  id INTEGER PRIMARY KEY,
  name INTEGER NOT NULL,            -- string ID: start function, or first non-runtime frame of its first stack
  created INTEGER NOT NULL,         -- 1 when the trace saw it created (at start_ns), 0 when it existed before
  creator INTEGER,                  -- goroutine that created it
  creation_stack INTEGER NOT NULL,  -- the creator's stack at the go statement (0 = unknown)
  start_stack INTEGER NOT NULL,     -- the new goroutine's entry (or its first status stack)
  start_ns INTEGER NOT NULL,        -- first transition
  end_ns INTEGER,                   -- null if it outlived the trace
  first_state INTEGER NOT NULL,     -- state after its first transition (index in GO_STATES)
  last_state INTEGER NOT NULL,
  last_reason INTEGER NOT NULL,     -- reason of its last transition (string ID, 0 = none)
  running_ns INTEGER NOT NULL,
  runnable_ns INTEGER NOT NULL,
  waiting_ns INTEGER NOT NULL,
  syscall_ns INTEGER NOT NULL,
  -- (reason string ID, ns waiting for it) pairs as uvarints, for goroutines whose intervals are in
  -- goroutine_interval_chunks; null for the others (see interval_data) and those that never waited.
  wait_ns_by_reason BLOB,
  intervals INTEGER NOT NULL,
  -- The goroutine's state intervals, packed (see interval-codec.ts), when they fit one chunk
  -- (most goroutines); longer lives go to goroutine_interval_chunks and this is null.
  -- value = reason string ID, stack = stack of the transition that began the interval.
  interval_data BLOB,
  last_stack INTEGER NOT NULL,      -- stack of its last transition: where a goroutine blocked at the end is stuck
  last_since_ns INTEGER             -- when its last interval began; null once it ended (its end_ns)
);
-- Time spent Waiting, by wait reason and the stack that blocked: where goroutines waited (waits
-- still open at the end included, up to the end). ended: the waits there that ended inside the
-- trace; last_end_ns: when the latest of them ended (null: none did).
CREATE TABLE blocking (reason INTEGER NOT NULL, stack INTEGER NOT NULL, total_ns INTEGER NOT NULL, count INTEGER NOT NULL,
  max_ns INTEGER NOT NULL, ended INTEGER NOT NULL, last_end_ns INTEGER, PRIMARY KEY (reason, stack)) WITHOUT ROWID;
-- Goroutines alive at the end of the trace and blocked (Waiting or in a Syscall), grouped by
-- state, reason and stack: the trace's leak suspects. A goroutine first seen in its wait (not
-- created in the trace) waited at least since the generation it was first seen in began. since_by_eighth: a JSON array of 8 counts,
-- the group's goroutines by the eighth of the trace in which their wait began (how it grew).
CREATE TABLE blocked_at_end (state INTEGER NOT NULL, reason INTEGER NOT NULL, stack INTEGER NOT NULL, goroutines INTEGER NOT NULL,
  oldest_since_ns INTEGER NOT NULL, newest_since_ns INTEGER NOT NULL, since_by_eighth TEXT NOT NULL, name INTEGER NOT NULL,
  sample_ids TEXT NOT NULL);
-- The four blocking profiles of go tool trace -pprof=KIND, by site: kind 1 sync, 2 net, 3 syscall,
-- 4 sched (BLOCKING_KINDS); stack = the stack of the event that began the wait, as cmd/trace keys
-- them. Waits still open at the end are not counted; p50/p99 are read from a histogram (±2.2%).
CREATE TABLE blocking_sites (kind INTEGER NOT NULL, reason INTEGER NOT NULL, stack INTEGER NOT NULL, count INTEGER NOT NULL,
  total_ns INTEGER NOT NULL, max_ns INTEGER NOT NULL, p50_ns INTEGER NOT NULL, p99_ns INTEGER NOT NULL);
-- Unblock edges (a waiting goroutine made runnable by another), packed in chunks of consecutive
-- edges in time order, each with values goroutine, reason, stack (the wait's: the woken goroutine's
-- reason and blocking stack), by_goroutine, by_stack (the waker's stack then) (point-codec.ts; the
-- SQL console's unblocks table unpacks them). As rows with their two indexes, the 3.8 M edges of
-- a 168 MB trace took 238 MB; packed, about 12 bytes an edge.
CREATE TABLE unblock_chunks (start_ns INTEGER PRIMARY KEY, end_ns INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL);
-- Unblock edges by the woken goroutine's blocking stack and the waker's stack: which sites release
-- which (last_ns: the latest such edge).
CREATE TABLE unblock_sites (stack INTEGER NOT NULL, by_stack INTEGER NOT NULL, count INTEGER NOT NULL, last_ns INTEGER NOT NULL,
  PRIMARY KEY (stack, by_stack)) WITHOUT ROWID;
-- Intervals of goroutines with more than one chunk of them. Rows are appended in time order;
-- the index on (goroutine, start_ns) is built after the load.
CREATE TABLE goroutine_interval_chunks (goroutine INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL);
-- Levels of detail of goroutines with more than one chunk of intervals (see levels.ts).
CREATE TABLE goroutine_levels (goroutine INTEGER NOT NULL, level INTEGER NOT NULL, start_bucket INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (goroutine, level, start_bucket)) WITHOUT ROWID;
CREATE TABLE ranges (
  name INTEGER NOT NULL,            -- string ID: "GC concurrent mark phase", "stop-the-world (…)", "GC mark assist", "GC incremental sweep"
  scope_kind INTEGER NOT NULL,      -- index in SCOPE_KINDS
  scope_id INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  began_before INTEGER NOT NULL,    -- 1 when only seen as already active (RangeActive)
  open INTEGER NOT NULL,            -- 1 when still running at the end of the trace
  stack INTEGER NOT NULL,
  bytes_swept INTEGER, bytes_reclaimed INTEGER
);
-- Metric points, one per (name, time) (the last value when several share a nanosecond), packed in
-- chunks of consecutive points (see point-codec.ts; the SQL console's metrics table unpacks them).
-- Clustered by (name, start_ns), so a window of one metric is a range scan with no separate index.
CREATE TABLE metric_chunks (name INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, count INTEGER NOT NULL,
  data BLOB NOT NULL, PRIMARY KEY (name, start_ns)) WITHOUT ROWID;
-- Coarser levels of each metric for wide windows: the largest value in each bucket of
-- METRIC_LEVEL_NS[level - 1] ns (time_ns = the bucket's start).
CREATE TABLE metric_levels (name INTEGER NOT NULL, level INTEGER NOT NULL, time_ns INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (name, level, time_ns)) WITHOUT ROWID;
-- Goroutines by state over time, sampled every GOROUTINE_COUNT_STEP_NS and at the end, packed in
-- chunks of consecutive samples with values running, runnable, waiting, syscall (point-codec.ts;
-- the SQL console's goroutine_counts table unpacks them).
CREATE TABLE goroutine_count_chunks (start_ns INTEGER PRIMARY KEY, end_ns INTEGER NOT NULL, count INTEGER NOT NULL, data BLOB NOT NULL);
-- Coarser levels of goroutine_counts for wide windows: each state's peak over buckets of
-- COUNT_LEVEL_NS[level - 1] ns (time_ns = the bucket's start).
CREATE TABLE goroutine_count_levels (level INTEGER NOT NULL, time_ns INTEGER NOT NULL, running INTEGER NOT NULL, runnable INTEGER NOT NULL,
  waiting INTEGER NOT NULL, syscall INTEGER NOT NULL, PRIMARY KEY (level, time_ns)) WITHOUT ROWID;
-- Mutator utilisation over time as go tool trace's /mmu page measures it by default (STW, background
-- mark workers, mark assists): steps in chunks (see mutator-util-chunks.ts); utils = JSON array of
-- the chunk's distinct values. The MMU curve and worst windows are computed from it.
CREATE TABLE mutator_util_chunks (start_ns INTEGER PRIMARY KEY, end_ns INTEGER NOT NULL, count INTEGER NOT NULL, utils TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE tasks (id INTEGER NOT NULL, parent INTEGER, type INTEGER NOT NULL, start_ns INTEGER, end_ns INTEGER, start_goroutine INTEGER, end_goroutine INTEGER);
CREATE TABLE regions (goroutine INTEGER NOT NULL, task INTEGER NOT NULL, type INTEGER NOT NULL, start_ns INTEGER, end_ns INTEGER, depth INTEGER NOT NULL);
CREATE TABLE logs (time_ns INTEGER NOT NULL, goroutine INTEGER, task INTEGER NOT NULL, category INTEGER NOT NULL, message INTEGER NOT NULL, stack INTEGER NOT NULL);
CREATE TABLE cpu_samples (time_ns INTEGER NOT NULL, goroutine INTEGER, proc INTEGER, thread INTEGER, stack INTEGER NOT NULL);
CREATE TABLE labels (time_ns INTEGER NOT NULL, goroutine INTEGER NOT NULL, label INTEGER NOT NULL);
-- The goroutine list's sort orders: every goroutine ID in order of (sort column, id), in pages
-- of uvarints (see goroutine-orders.ts). They replace SQL indexes on those columns.
CREATE TABLE goroutine_orders (sort TEXT NOT NULL, page INTEGER NOT NULL, ids BLOB NOT NULL, PRIMARY KEY (sort, page)) WITHOUT ROWID;
`;

/** Secondary indexes, created after the bulk load (3–4× faster than maintaining them during it when keys arrive at random). */
export const TRACE_INDEXES = `
CREATE INDEX goroutine_chunks_by_time ON goroutine_interval_chunks (goroutine, start_ns);
CREATE UNIQUE INDEX strings_by_value ON strings (value);
CREATE INDEX ranges_by_time ON ranges (start_ns, end_ns);
CREATE INDEX tasks_by_id ON tasks (id);
CREATE INDEX regions_by_goroutine ON regions (goroutine, start_ns);
CREATE INDEX logs_by_time ON logs (time_ns);
CREATE INDEX cpu_samples_by_time ON cpu_samples (time_ns);
`;

/**
 * Bucket widths of metric_levels levels 1, 2, …: 256 µs × 16^k. Narrower windows read raw points:
 * a busy trace has about one heap point per 12 µs, so a 16 µs level saved nothing and cost
 * 1 M rows on a 17 s trace.
 */
export const METRIC_LEVEL_NS = [256_000, 4_096_000, 65_536_000, 1_048_576_000] as const;

/** Bucket widths of goroutine_count_levels levels 1, 2, 3: 16× steps from the 100 µs samples. */
export const COUNT_LEVEL_NS = [1_600_000, 25_600_000, 409_600_000] as const;

/** Values of an unblock edge in unblock_chunks: goroutine, reason, stack, by_goroutine, by_stack. */
export const UNBLOCK_VALUES = 5;

/** Sampling step of the goroutine_counts series. */
export const GOROUTINE_COUNT_STEP_NS = 100_000;
