// What a goroutine text dump says, line kind by line kind, as the Go runtime prints it
// (runtime/traceback.go for debug=2, panics and signals; runtime/pprof's text writer for debug=1).

/** One frame as printed: `pkg.fn(args)` then `\tfile:line +0xoff`. */
export interface DumpFrame {
  /** Symbol name with generic arguments collapsed to `[...]`; `panic` for runtime.gopanic. */
  readonly func: string;
  /** The raw argument words as printed (debug=2 only): "0x1, {0x2, 0x3}", "..." for an inlined call, "" for none. */
  readonly args: string;
  /** Source file; "" when the dump did not say (a frame without symbol information). */
  readonly file: string;
  /** Source line; 0 when unknown. */
  readonly line: number;
  /** PC − function entry (the `+0x…` suffix, or debug=1's `func+0x…`); −1 when not printed (inlined frames, PC at entry). */
  readonly pcOffset: number;
}

/** `created by F [in goroutine N]` with the `go` statement's location. */
export interface CreatedBy {
  readonly func: string;
  readonly file: string;
  readonly line: number;
  /** The creating goroutine (Go 1.21+); null when the dump does not say. */
  readonly parentId: number | null;
}

/** An ancestor traceback (`GODEBUG=tracebackancestors=N`): `[originating from goroutine N]:`. */
export interface AncestorTrace {
  readonly id: number;
  readonly frames: DumpFrame[];
  readonly createdBy: CreatedBy | null;
}

/** One goroutine of a debug=2 / runtime.Stack / panic / signal dump. */
export interface DumpGoroutine {
  readonly kind: 'goroutine';
  readonly id: number;
  /** The wait reason when waiting ("chan receive", "sync.Mutex.Lock"…), else the status word ("running", "runnable"…). */
  readonly state: string;
  /** Whole minutes blocked (a lower bound: the runtime stamps the start at the first GC that saw it blocked); 0 when not printed. */
  readonly waitMinutes: number;
  readonly lockedToThread: boolean;
  /** `(leaked)`: Go 1.26+'s leak detector proved the goroutine can never run again. */
  readonly leaked: boolean;
  /** `(scan)`: the GC was scanning its stack when it was printed. */
  readonly scan: boolean;
  /** `(durable)`: durably blocked inside a synctest bubble. */
  readonly durable: boolean;
  /** `synctest group N` (1.24) / `synctest bubble N` (1.26+); null outside a bubble. */
  readonly bubble: string | null;
  /** pprof labels printed in the header (1.26 with tracebacklabels=1, 1.27); null when none. */
  readonly labels: Readonly<Record<string, string>> | null;
  /** `gp=0x… m=N mp=0x…` (GOTRACEBACK=system|crash, Go 1.22+); null when not printed. */
  readonly debug: { readonly gp: string; readonly m: number | null; readonly mp: string | null } | null;
  readonly frames: DumpFrame[];
  /** Frames the runtime left out: N for `...N frames elided...`, −1 for `...additional frames elided...`, 0 for none. */
  readonly elidedFrames: number;
  /** Position of the elision in `frames` (frames before it are the innermost ones); −1 when none. */
  readonly elidedAt: number;
  /** `goroutine running on other thread; stack unavailable` (crash dumps). */
  readonly stackUnavailable: boolean;
  readonly createdBy: CreatedBy | null;
  readonly ancestors: AncestorTrace[];
  /** 1-based line number of the header in the input. */
  readonly lineNumber: number;
}

/** One record of a debug=1 count profile: `N @ 0x… 0x…` and its `#\t` frame lines. */
export interface DumpRecord {
  readonly kind: 'record';
  /** Goroutines with this stack (and labels). */
  readonly count: number;
  /** The raw return addresses of the `@` line, as printed. */
  readonly pcs: string[];
  readonly labels: Readonly<Record<string, string>> | null;
  readonly frames: DumpFrame[];
  readonly lineNumber: number;
}

export type DumpItem = DumpGoroutine | DumpRecord;

/** A line the decoder could not place, reported with its position; the rest is still decoded. */
export interface DumpWarning {
  readonly line: number;
  readonly offset: number;
  readonly message: string;
}

/**
 * How the dump was written: a debug=2 goroutine dump (also `runtime.Stack(buf, true)` and a dump
 * inside a log), a debug=1 count profile, or a dying program's stderr (panic, fatal error, signal).
 */
export type DumpFormat = 'debug=2' | 'debug=1' | 'panic' | 'fatal' | 'signal';

/** Everything a dump says beyond its goroutines. */
export interface DumpInfo {
  readonly name: string;
  readonly format: DumpFormat;
  /** "goroutine", "goroutineleak", "threadcreate"… from debug=1's `<name> profile: total N`; null for debug=2. */
  readonly profileName: string | null;
  /** debug=1's `total N`; null when absent. */
  readonly declaredTotal: number | null;
  /** Goroutines described: headers for debug=2, the sum of record counts for debug=1. */
  readonly goroutines: number;
  /** The panic chain, oldest first, as printed after `panic: ` (with ` [recovered]` suffixes). */
  readonly panics: string[];
  /** The text after `fatal error: `; null when none. */
  readonly fatalError: string | null;
  /** `SIGQUIT: quit`, `[signal SIGSEGV: …]`: the first signal line; null when none. */
  readonly signal: string | null;
  /** First and last line of the dump proper (1-based). */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly warnings: DumpWarning[];
  /** Warnings beyond those kept in `warnings`. */
  readonly warningsDropped: number;
  /** Bytes and lines read. */
  readonly bytes: number;
  readonly lines: number;
}
