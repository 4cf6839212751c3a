// `goroscope events FILE [--format go|compact] [--limit N]`: every event of a trace, streamed.

import { DecodeError } from '../../decode/errors.ts';
import { traceFileEventLines } from '../../service/file-answers.ts';
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

  const lines = traceFileEventLines(args.positional[0], format);
  const out = new Output();
  let n = 0;
  try {
    // The event after the last one printed is read too, as it always was: damage right after the
    // limit is still reported. Leaving the loop closes the file.
    for (const line of lines) {
      if (n >= limit || !out.open) break;
      await out.write(line + '\n');
      n++;
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    await out.flush();
    printErrorLine(e.message);
    return EXIT_BAD_INPUT;
  }
  await out.flush();
  return 0;
}
