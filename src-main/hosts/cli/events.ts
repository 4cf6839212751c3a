// `goroscope events FILE [--format go|compact] [--limit N]`: every event of a trace, streamed.

import { formatEvent } from '../../decode/gotrace/format-event.ts';
import type { TraceEvent } from '../../decode/gotrace/model.ts';
import { openTrace } from '../../decode/gotrace/reader.ts';
import { DecodeError } from '../../decode/errors.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';

export const eventsUsage = `usage: goroscope events FILE [--format go|compact] [--limit N]

Prints every event of an execution trace, in Go's order.
  --format go       (default) exactly what \`go tool trace -d=parsed\` prints (wall clock in UTC)
  --format compact  one line per event: time, kind, resource, what changed, top frame
  --limit N         stop after N events
On damage, the events before it are printed, then one error line on stderr, exit status 2.`;

export async function eventsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { valued: ['format', 'limit'] });
  if (args.positional.length !== 1) throw new UsageError('events needs exactly one FILE (see goroscope help events)');
  const format = args.options.get('format') ?? 'go';
  if (format !== 'go' && format !== 'compact') throw new UsageError(`unknown --format ${format}: expected go or compact`);
  const limitText = args.options.get('limit');
  const limit = limitText === undefined ? Infinity : Number(limitText);
  if (!(limit >= 0) || !Number.isInteger(limit) && limit !== Infinity) throw new UsageError(`--limit needs a whole number, got ${limitText}`);

  const reader = openTrace(args.positional[0]);
  const out = new Output();
  let n = 0;
  try {
    for (let ev = reader.next(); ev !== null && n < limit && out.open; ev = reader.next(), n++) {
      await out.write(format === 'go' ? formatEvent(ev, reader.timeOrigin) + '\n' : compactLine(ev, reader.timeOrigin) + '\n');
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    await out.flush();
    printErrorLine(e.message);
    return EXIT_BAD_INPUT;
  } finally {
    reader.close();
  }
  await out.flush();
  return 0;
}

/** One line per event: "<time ns> <Kind> <resource> <detail> [<top frame>]". */
export function compactLine(ev: TraceEvent, origin: bigint): string {
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
