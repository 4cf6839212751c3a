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

/**
 * time.Unix(sec, nsec).Format(time.RFC3339Nano) in UTC: nanoseconds carried into seconds as
 * time.Unix does, fractional seconds without trailing zeros, and any year (Go prints years past
 * 9999 in full and negative ones with a minus; a Date cannot hold them and threw on a damaged
 * trace's clock snapshot). Beyond ±2^63 s, where Go's int64 arithmetic wraps, Go prints another year.
 */
function rfc3339NanoUTC(sec: bigint, nsec: number): string {
  let ns = BigInt(Math.trunc(nsec));
  sec += floorDiv(ns, 1_000_000_000n);
  ns -= floorDiv(ns, 1_000_000_000n) * 1_000_000_000n;
  const days = floorDiv(sec, 86400n);
  const secOfDay = Number(sec - days * 86400n);
  // Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day count from 1970-01-01.
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = Number(z - era * 146097n);
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = BigInt(yoe) + era * 400n + (month <= 2 ? 1n : 0n);
  const two = (n: number) => String(n).padStart(2, '0');
  const yearText = year < 0n ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  const clock = `${two(Math.floor(secOfDay / 3600))}:${two(Math.floor(secOfDay / 60) % 60)}:${two(secOfDay % 60)}`;
  const frac = ns === 0n ? '' : '.' + String(ns).padStart(9, '0').replace(/0+$/, '');
  return `${yearText}-${two(month)}-${two(day)}T${clock}${frac}Z`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
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
