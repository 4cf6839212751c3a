// Renders an event exactly as Go's Event.String() does (what `go tool trace -d=parsed` prints),
// so our decoder can be diffed line by line against Go's reader. Run Go's side with TZ=UTC:
// the Sync line's wall clock is printed in the local zone; we always print UTC.

import { NO_STACK, type ResourceID, type Stack, type TraceEvent } from './model.ts';

const UINT64_MAX = '18446744073709551615';

/** Go's %d of a TaskID (uint64): NoTask (−1 here) prints as 2^64−1. */
function taskID(id: number): string {
  return id < 0 ? UINT64_MAX : String(id);
}

function resource(r: ResourceID): string {
  switch (r.kind) {
    case 'none': return 'None';
    case 'goroutine': return `Goroutine(${r.id})`;
    case 'proc': return `Proc(${r.id})`;
    case 'thread': return `Thread(${r.id})`;
  }
}

function uint64Value(v: number): string {
  return `Value{Uint64(${v})}`;
}

function printStack(stack: Stack): string {
  let s = '';
  for (const f of stack) s += `\t${f.func} @ 0x${f.pc.toString(16)}\n\t\t${f.file}:${f.line}\n`;
  return s;
}

/** Go's strconv.Quote for the strings a trace carries. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c === 0xfffd) out += ch === '\ufffd' ? '\ufffd' : '\\ufffd';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** time.Time.Format(time.RFC3339Nano) in UTC: fractional seconds without trailing zeros. */
function rfc3339NanoUTC(sec: bigint, nsec: number): string {
  const d = new Date(Number(sec) * 1000);
  const base = d.toISOString().slice(0, 19);
  const frac = nsec === 0 ? '' : '.' + String(nsec).padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac}Z`;
}

function absolute(time: number, origin: bigint): string {
  return origin === 0n ? String(time) : String(origin + BigInt(time));
}

/** One event in Go's Event.String() form: multi-line when stacks are present (then it ends with "\n"). */
export function formatEvent(ev: TraceEvent, timeOrigin: bigint): string {
  let s = `M=${ev.thread} P=${ev.proc} G=${ev.goroutine} ${ev.kind} Time=${absolute(ev.time, timeOrigin)}`;
  switch (ev.kind) {
    case 'Metric':
      s += ` Name=${goQuote(ev.data.name)} Value=${uint64Value(ev.data.value)}`;
      break;
    case 'Label':
      s += ` Label=${goQuote(ev.data.label)} Resource=${resource(ev.data.resource)}`;
      break;
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd':
      s += ` Name=${goQuote(ev.data.name)} Scope=${resource(ev.data.scope)}`;
      if (ev.kind === 'RangeEnd') {
        s += ' Attributes=[' + ev.data.attributes.map((a) => `${goQuote(a.name)}=${uint64Value(a.value)}`).join(' ') + ']';
      }
      break;
    case 'TaskBegin':
    case 'TaskEnd':
      s += ` ID=${taskID(ev.data.id)} Parent=${taskID(ev.data.parent)} Type=${goQuote(ev.data.type)}`;
      break;
    case 'RegionBegin':
    case 'RegionEnd':
      s += ` Task=${taskID(ev.data.task)} Type=${goQuote(ev.data.type)}`;
      break;
    case 'Log':
      s += ` Task=${taskID(ev.data.task)} Category=${goQuote(ev.data.category)} Message=${goQuote(ev.data.message)}`;
      break;
    case 'StateTransition': {
      const t = ev.data;
      s += t.resource === 'goroutine' ? ` GoID=${t.id} ${t.from}->${t.to}` : ` ProcID=${t.id} ${t.from}->${t.to}`;
      s += ` Reason=${goQuote(t.reason)}`;
      if (t.stack !== NO_STACK) s += '\nTransitionStack=\n' + printStack(t.stack);
      break;
    }
    case 'Experimental': {
      const x = ev.data;
      s += ` Name=${x.name} Args=[` +
        x.argNames.map((n, i) => {
          const v = x.args[i];
          return `${n}=${typeof v === 'string' ? v : uint64Value(v)}`;
        }).join(', ') + ']';
      break;
    }
    case 'Sync': {
      s += ` N=${ev.data.n}`;
      const c = ev.data.clockSnapshot;
      if (c) s += ` Trace=${absolute(c.trace, timeOrigin)} Mono=${c.mono} Wall=${rfc3339NanoUTC(c.wallSec, c.wallNsec)}`;
      break;
    }
    case 'StackSample':
      break;
  }
  if (ev.stack !== NO_STACK) {
    // Go always starts a new line here, so a transition stack is followed by an empty line.
    s += '\nStack=\n' + printStack(ev.stack);
  }
  return s;
}
