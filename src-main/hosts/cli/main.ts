// The goroscope command line: dispatches to one module per command.

import { DecodeError } from '../../decode/errors.ts';
import { EXIT_BAD_INPUT, printErrorLine, reportError, reportInternalError, UsageError } from './output.ts';

/** A command's code, loaded when it runs: a command pays only for the modules it uses. */
type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number>; usage: string }> };

export const COMMANDS: Record<string, Command> = {
  stats: { summary: 'summary of an execution trace (--json for JSON)',
    load: async () => { const m = await import('./stats.ts'); return { run: m.statsCommand, usage: m.statsUsage }; } },
  events: { summary: 'every event of a trace, as go tool trace -d=parsed prints them',
    load: async () => { const m = await import('./events.ts'); return { run: m.eventsCommand, usage: m.eventsUsage }; } },
  index: { summary: 'index traces, profiles and dumps into the artefact library (once per content)',
    load: async () => { const m = await import('./library-commands.ts'); return { run: m.indexCommand, usage: m.indexUsage }; } },
  ls: { summary: 'list the artefacts in the library',
    load: async () => { const m = await import('./library-commands.ts'); return { run: m.lsCommand, usage: m.lsUsage }; } },
  rm: { summary: 'remove artefacts from the library',
    load: async () => { const m = await import('./library-commands.ts'); return { run: m.rmCommand, usage: m.rmUsage }; } },
  query: { summary: 'read-only SQL over an artefact\'s index',
    load: async () => { const m = await import('./library-commands.ts'); return { run: m.queryCommand, usage: m.queryUsage }; } },
  top: { summary: 'the top functions of a pprof profile, as go tool pprof -top prints them',
    load: async () => { const m = await import('./top.ts'); return { run: m.topCommand, usage: m.topUsage }; } },
  dump: { summary: 'a goroutine dump grouped by identical stacks (debug=1/2, panics, logs)',
    load: async () => { const m = await import('./dump.ts'); return { run: m.dumpCommand, usage: m.dumpUsage }; } },
  blocking: { summary: 'where a trace\'s goroutines blocked, by site, as go tool trace -pprof=KIND',
    load: async () => { const m = await import('./trace-answers.ts'); return { run: m.blockingCommand, usage: m.blockingUsage }; } },
  leaks: { summary: 'a trace\'s leak suspects; or the leak gate: groups that grew between two dumps',
    load: async () => { const m = await import('./leaks.ts'); return { run: m.leaksCommand, usage: m.leaksUsage }; } },
  triage: { summary: 'leak suspects across traces, dumps and goroutine(leak) profiles of one incident; a CI gate with --max',
    load: async () => { const m = await import('./triage.ts'); return { run: m.triageCommand, usage: m.triageUsage }; } },
  gc: { summary: 'a trace\'s GC cycles, pauses and minimum mutator utilisation (as go tool trace\'s /mmu)',
    load: async () => { const m = await import('./gc.ts'); return { run: m.gcCommand, usage: m.gcUsage }; } },
  compare: { summary: 'two traces or two windows side by side: goroutines, waits, blocking sites, latency, GC',
    load: async () => { const m = await import('./compare.ts'); return { run: m.compareCommand, usage: m.compareUsage }; } },
  goroutines: { summary: 'a trace\'s goroutines by start function, as go tool trace\'s goroutines page',
    load: async () => { const m = await import('./goroutine-groups.ts'); return { run: m.goroutineGroupsCommand, usage: m.goroutineGroupsUsage }; } },
  report: { summary: 'one self-contained offline HTML report of traces, profiles and dumps, to hand over',
    load: async () => { const m = await import('./report.ts'); return { run: m.reportCommand, usage: m.reportUsage }; } },
  export: { summary: 'an artefact as pprof (blocking profiles too), a Perfetto/Chrome JSON trace or Parquet files',
    load: async () => { const m = await import('./export.ts'); return { run: m.exportCommand, usage: m.exportUsage }; } },
  serve: { summary: 'the UI in your browser, on 127.0.0.1 with a per-launch token',
    load: async () => { const m = await import('./serve.ts'); return { run: m.serveCommand, usage: m.serveUsage }; } },
  completion: { summary: 'a completion script for bash or zsh (source <(goroscope completion bash))',
    load: async () => { const m = await import('./completion.ts'); return { run: (argv) => m.completionCommand(argv, summaries()), usage: m.completionUsage }; } },
};

function summaries(): Record<string, string> {
  return Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, c.summary]));
}

const USAGE = `usage: goroscope COMMAND [ARGS]

Offline forensics for Go runtime artefacts. Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join('\n')}
  help     this text, or \`goroscope help COMMAND\` (a manual page)
  --version

Reads Go execution traces written by Go 1.11 through 1.27, pprof profiles and goroutine dumps.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    const { goroscopeVersion } = await import('./command-docs.ts');
    process.stdout.write(`goroscope ${goroscopeVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    if (name === 'help' && rest[0] && !topic && rest[0] !== 'help') {
      printErrorLine(`unknown command "${rest[0]}" (see goroscope help)`);
      return EXIT_BAD_INPUT;
    }
    if (topic) {
      const { manPage } = await import('./command-docs.ts');
      process.stdout.write(manPage(rest[0], topic.summary, (await topic.load()).usage) + '\n');
      return 0;
    }
    process.stdout.write(USAGE + '\n');
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    printErrorLine(`unknown command "${name}" (see goroscope help)`);
    return EXIT_BAD_INPUT;
  }
  const { run, usage } = await command.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  try {
    return await run(rest);
  } catch (e) {
    // Loaded only here: commands that never open the library need not load SQLite.
    const { LibraryError } = await import('../../index/library.ts');
    if (e instanceof UsageError || e instanceof LibraryError) {
      printErrorLine(e.message);
      return EXIT_BAD_INPUT;
    }
    return e instanceof DecodeError ? reportError(e) : reportInternalError(e);
  }
}
