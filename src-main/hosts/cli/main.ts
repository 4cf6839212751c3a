// The goroscope command line: dispatches to one module per command.

import { dumpCommand, dumpUsage } from './dump.ts';
import { eventsCommand, eventsUsage } from './events.ts';
import { indexCommand, indexUsage, lsCommand, lsUsage, queryCommand, queryUsage, rmCommand, rmUsage } from './library-commands.ts';
import { LibraryError } from '../../index/library.ts';
import { leaksCommand, leaksUsage } from './leaks.ts';
import { EXIT_BAD_INPUT, reportError, UsageError } from './output.ts';
import { serveCommand, serveUsage } from './serve.ts';
import { statsCommand, statsUsage } from './stats.ts';
import { topCommand, topUsage } from './top.ts';
import { blockingCommand, blockingUsage } from './trace-answers.ts';

type Command = { run: (argv: string[]) => Promise<number>; usage: string; summary: string };

const COMMANDS: Record<string, Command> = {
  stats: { run: statsCommand, usage: statsUsage, summary: 'summary of an execution trace (--json for JSON)' },
  events: { run: eventsCommand, usage: eventsUsage, summary: 'every event of a trace, as go tool trace -d=parsed prints them' },
  index: { run: indexCommand, usage: indexUsage, summary: 'index traces, profiles and dumps into the artefact library (once per content)' },
  ls: { run: lsCommand, usage: lsUsage, summary: 'list the artefacts in the library' },
  rm: { run: rmCommand, usage: rmUsage, summary: 'remove artefacts from the library' },
  query: { run: queryCommand, usage: queryUsage, summary: 'read-only SQL over an artefact\'s index' },
  top: { run: topCommand, usage: topUsage, summary: 'the top functions of a pprof profile, as go tool pprof -top prints them' },
  dump: { run: dumpCommand, usage: dumpUsage, summary: 'a goroutine dump grouped by identical stacks (debug=1/2, panics, logs)' },
  blocking: { run: blockingCommand, usage: blockingUsage, summary: 'where a trace\'s goroutines blocked, by site, as go tool trace -pprof=KIND' },
  leaks: { run: leaksCommand, usage: leaksUsage, summary: 'a trace\'s leak suspects; or the leak gate: groups that grew between two dumps' },
  serve: { run: serveCommand, usage: serveUsage, summary: 'the UI in your browser, on 127.0.0.1 with a per-launch token' },
};

const USAGE = `usage: goroscope COMMAND [ARGS]

Offline forensics for Go runtime artefacts. Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join('\n')}
  help     this text, or \`goroscope help COMMAND\`

Reads Go execution traces written by Go 1.11 through 1.27, pprof profiles and goroutine dumps.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write((topic ? topic.usage : USAGE) + '\n');
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`goroscope: unknown command "${name}" (see goroscope help)\n`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof LibraryError) {
      process.stderr.write(`goroscope: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    return reportError(e);
  }
}
