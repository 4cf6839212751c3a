// The compact line `goroscope events --format compact` prints for an event: time, kind,
// resource, what changed and the top frame, on one line.

import type { TraceEvent } from '../decode/gotrace/model.ts';

/** One line per event: "<time ns> <Kind> <resource> <detail> [<top frame>]". */
export function compactEventLine(ev: TraceEvent, origin: bigint): string {
  const time = origin === 0n ? String(ev.time) : String(origin + BigInt(ev.time));
  const where = `M${ev.thread} P${ev.proc} G${ev.goroutine}`;
  let detail = '';
  switch (ev.kind) {
    case 'StateTransition': {
      const t = ev.data;
      detail = `${t.resource === 'goroutine' ? 'G' : 'P'}${t.id} ${t.from}->${t.to}${t.reason ? ` (${t.reason})` : ''}`;
      break;
    }
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd':
      detail = `${ev.data.name} @${ev.data.scope.kind}${ev.data.scope.id >= 0 ? ev.data.scope.id : ''}`;
      break;
    case 'Metric':
      detail = `${ev.data.name}=${ev.data.value}`;
      break;
    case 'Label':
      detail = ev.data.label;
      break;
    case 'TaskBegin':
    case 'TaskEnd':
      detail = `task ${ev.data.id} ${JSON.stringify(ev.data.type)}`;
      break;
    case 'RegionBegin':
    case 'RegionEnd':
      detail = `task ${ev.data.task} ${JSON.stringify(ev.data.type)}`;
      break;
    case 'Log':
      detail = `task ${ev.data.task} ${ev.data.category}=${JSON.stringify(ev.data.message)}`;
      break;
    case 'Sync':
      detail = `#${ev.data.n}`;
      break;
    case 'Experimental':
      detail = `${ev.data.name} ${ev.data.args.join(' ')}`;
      break;
    case 'StackSample':
      break;
  }
  const stack = ev.kind === 'StateTransition' && ev.data.stack.length > 0 ? ev.data.stack : ev.stack;
  const top = stack.length > 0 ? ` ${stack[0].func} ${stack[0].file}:${stack[0].line}` : '';
  return `${time} ${ev.kind} ${where} ${detail}${top}`.replace(/ {2,}/g, ' ');
}
