// Goroutines of a trace written as Go writes a goroutine dump (/debug/pprof/goroutine?debug=2,
// runtime.Stack(buf, true); runtime/traceback.go goroutineheader and traceback1), so that the
// tools that read dumps (panicparse, `goroscope dump`, `goroscope leaks BEFORE AFTER`) read
// a selection of a trace's goroutines as they stood at its end:
//
//   goroutine 18 [chan receive, 5 minutes]:
//   main.worker(...)
//   	/src/app/worker.go:42
//   created by main.main in goroutine 1
//   	/src/app/main.go:20
//
// The status is the trace's wait reason for a waiting goroutine (the reason strings of the
// tracer, e.g. "sync" where a dump says "sync.Mutex.Lock"), else running, runnable or syscall.
// The minutes are those since its last transition, printed from one minute on as the runtime
// does. Frames carry no argument words (the trace has none: `(...)`, as Go prints an inlined
// call) and no `+0x` offset; the stack is that of the goroutine's last transition.

import { GO_STATES } from '../index/schema.ts';
import type { TraceIndexReader } from './trace-answers.ts';
import type { GoroutineDumpText, StackFrameInfo } from './types.ts';

/** The status word of a goroutine header for a trace's last state (runtime gStatusStrings). */
const STATUS: Record<string, string> = { Running: 'running', Runnable: 'runnable', Syscall: 'syscall', Waiting: 'waiting', Undetermined: 'runnable' };

/** One goroutine's header line, stack and `created by`, each line ending in a newline. */
export function goroutineDumpEntry(g: {
  id: number; state: string; reason: string; waitNs: number; stack: readonly StackFrameInfo[];
  createdBy: StackFrameInfo | null; creator: number | null;
}): string {
  const status = g.state === 'Waiting' && g.reason !== '' ? g.reason : STATUS[g.state] ?? 'runnable';
  // The runtime prints the minutes of a wait from one minute on (traceback.go: waitfor >= 1).
  const minutes = g.state === 'Waiting' ? Math.floor(g.waitNs / 60e9) : 0;
  const lines = [`goroutine ${g.id} [${oneLine(status)}${minutes >= 1 ? `, ${minutes} minutes` : ''}]:`];
  for (const f of g.stack) lines.push(`${oneLine(f.func)}(...)`, `\t${oneLine(f.file)}:${f.line}`);
  if (g.createdBy) {
    lines.push(`created by ${oneLine(g.createdBy.func)}${g.creator !== null ? ` in goroutine ${g.creator}` : ''}`, `\t${oneLine(g.createdBy.file)}:${g.createdBy.line}`);
  }
  return lines.join('\n') + '\n';
}

/** A name from the trace on one line: a line break inside it would start another line of the dump. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]/g, ' ');
}

/**
 * The goroutines `ids` alive at the end of the trace, as a dump (ascending ID, a blank line
 * between goroutines as Go prints them); those that ended, or are not in the trace, are skipped.
 */
export function goroutinesDump(idx: TraceIndexReader, durationNs: number, ids: readonly number[]): GoroutineDumpText {
  const stmt = idx.db.prepare(`SELECT id, created, creator, creation_stack, end_ns, last_state, last_reason, last_stack, last_since_ns
    FROM goroutines WHERE id = ?`);
  const entries: string[] = [];
  const skipped: number[] = [];
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const r = stmt.get(id) as { id: number; created: number; creator: number | null; creation_stack: number; end_ns: number | null;
      last_state: number; last_reason: number; last_stack: number; last_since_ns: number | null } | undefined;
    if (!r || r.end_ns !== null || GO_STATES[r.last_state] === 'NotExist') {
      skipped.push(id);
      continue;
    }
    const creation = idx.stack(r.creation_stack);
    entries.push(goroutineDumpEntry({
      id: r.id, state: GO_STATES[r.last_state], reason: idx.string(r.last_reason), waitNs: durationNs - (r.last_since_ns ?? durationNs),
      stack: idx.stack(r.last_stack), createdBy: creation[0] ?? null, creator: r.creator,
    }));
  }
  return { text: entries.join('\n'), goroutines: entries.length, skipped };
}
