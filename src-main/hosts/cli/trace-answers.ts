// `goroscope blocking TRACE|ARTEFACT` and `goroscope leaks TRACE|ARTEFACT`: answers over a trace's
// index, indexing the file into the library first when it is not there yet.

import { DecodeError } from '../../decode/errors.ts';
import { defaultLibraryDir, Library, LibraryError, type Artefact } from '../../index/library.ts';
import { partialJson } from './partial.ts';
import { GoroscopeService } from '../../service/service.ts';
import { humanDuration } from '../../service/trace-answers.ts';
import { BLOCKING_KIND_NAMES, type BlockingKind, type BlockingProfile, type LeakReport, type StackFrameInfo } from '../../service/types.ts';
import { InvalidArgument } from '../../service/validate.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, printErrorLine, UsageError } from './output.ts';
import { artefactArgument } from './artefact-argument.ts';

export const blockingUsage = `usage: goroscope blocking TRACE|ARTEFACT [--kind sync|net|syscall|sched] [--json] [--library DIR]

Where goroutines of a trace blocked, by site, as go tool trace -pprof=KIND computes it:
  sync     waits on channels, select and sync primitives (the default)
  net      waits on the network poller
  syscall  time in system calls
  sched    time runnable, waiting for a P (scheduler latency)
A site is the first frame outside the runtime and the standard library's blocking internals.
Waits still open at the end of the trace are not counted (as go tool trace). Each site lists
the sites of the goroutines that ended its waits ("unblocked by").
  --json  {"kind", "totalNs", "count", "sites": [{"reason", "site", "stack", "count", "totalNs", "maxNs",
          "p50Ns", "p99Ns", "unblockedBy": [{"site", "count"}]}]}  (p50/p99 to within ±2.2%)
A TRACE file not yet in the library is indexed first.`;

export const traceLeaksUsage = `usage: goroscope leaks TRACE|ARTEFACT [--json] [--library DIR]

The leak suspects of a trace: goroutines alive and blocked at its end, grouped by state, wait
reason and site, most suspicious first (the program's own before the runtime's, blocked for good,
then goroutines × time blocked, growing groups first), each with one sentence saying what it means.
  --json  {"groups": [{"reason", "count", "site", "stack", "maxBlockedNs", "oldestSinceNs",
          "growth", "explanation", ...}]}`;

/**
 * An artefact of the library: `ref` is a file (indexed now if it is not yet) or an artefact
 * reference. A damaged file's warning is printed here; the command then ends with exit status 2.
 */
export function libraryArtefact(lib: Library, ref: string): { hash: string; damaged: boolean; artefact: Artefact } {
  const artefact = artefactArgument(lib, ref);
  if (artefact.warning) printErrorLine(`warning: ${artefact.warning} (answers cover what was decodable before it)`);
  return { hash: artefact.hash, damaged: artefact.warning !== null && artefact.warning !== '', artefact };
}

/** Runs `body` with a service over the library (`--library DIR` or the default), bad input reported in one line (exit 2). */
export async function withLibrary(dir: string | undefined, body: (service: GoroscopeService, lib: Library) => Promise<number>): Promise<number> {
  const lib = new Library(dir ?? defaultLibraryDir());
  const service = new GoroscopeService(lib);
  try {
    return await body(service, lib);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof InvalidArgument || e instanceof LibraryError) {
      printErrorLine(e.message);
      return EXIT_BAD_INPUT;
    }
    throw e;
  } finally {
    await service.close();
    lib.close();
  }
}

/** Runs `answer` over the trace `ref` names, reporting bad input in one line (exit 2). */
export async function withTrace(argv: string[], valued: string[], answer: (service: GoroscopeService, hash: string, json: boolean,
  options: Map<string, string>) => Promise<string>): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], valued: ['library', ...valued] });
  if (args.positional.length !== 1) throw new UsageError('needs exactly one TRACE file or ARTEFACT (see goroscope help)');
  return withLibrary(args.options.get('library'), async (service, lib) => {
    const { hash, damaged, artefact } = libraryArtefact(lib, args.positional[0]);
    const out = new Output();
    let text = await answer(service, hash, args.flags.has('json'), args.options);
    // A partial index's answers say so in JSON too (on stderr for text: artefactArgument).
    if (artefact.partial && args.flags.has('json') && text.trimStart().startsWith('{')) {
      text = JSON.stringify({ ...partialJson(artefact), ...(JSON.parse(text) as object) }, null, 2) + '\n';
    }
    await out.write(text);
    await out.flush();
    return damaged ? EXIT_BAD_INPUT : 0;
  });
}

const frameText = (f: StackFrameInfo) => `${f.func} ${f.file}:${f.line}`;

export async function blockingCommand(argv: string[]): Promise<number> {
  return withTrace(argv, ['kind'], async (service, hash, json, options) => {
    const kind = (options.get('kind') ?? 'sync') as BlockingKind;
    if (!BLOCKING_KIND_NAMES.includes(kind)) throw new UsageError(`--kind must be one of ${BLOCKING_KIND_NAMES.join(', ')}, got "${kind}"`);
    const profile = await service.blockingProfile(hash, kind);
    return json ? JSON.stringify(blockingJson(profile), null, 2) + '\n' : renderBlocking(profile);
  });
}

function blockingJson(p: BlockingProfile): object {
  return {
    kind: p.kind, totalNs: p.totalNs, count: p.count,
    sites: p.sites.map((s) => ({
      reason: s.reason, site: s.site, stack: s.stack.map(frameText), count: s.count, totalNs: s.totalNs, maxNs: s.maxNs, p50Ns: s.p50Ns,
      p99Ns: s.p99Ns, unblockedBy: s.unblockedBy,
    })),
  };
}

function renderBlocking(p: BlockingProfile): string {
  const lines = [`${p.kind}: ${humanDuration(p.totalNs)} in ${p.count} waits (as go tool trace -pprof=${p.kind})`];
  if (p.sites.length === 0) return lines.concat('no waits of this kind ended inside the trace').join('\n') + '\n';
  lines.push('', `${'total'.padStart(10)} ${'share'.padStart(6)} ${'count'.padStart(7)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}  reason / site`);
  for (const s of p.sites) {
    const share = p.totalNs > 0 ? `${((s.totalNs / p.totalNs) * 100).toFixed(1)}%` : '';
    lines.push(`${humanDuration(s.totalNs).padStart(10)} ${share.padStart(6)} ${String(s.count).padStart(7)} ${humanDuration(s.p50Ns).padStart(9)} ` +
      `${humanDuration(s.p99Ns).padStart(9)} ${humanDuration(s.maxNs).padStart(9)}  ${s.reason || '(no reason)'}  ${s.site || '(no stack)'}`);
    for (const u of s.unblockedBy) lines.push(`${''.padStart(58)}unblocked by ${u.site} (${u.count})`);
  }
  return lines.join('\n') + '\n';
}

export async function traceLeaksCommand(argv: string[]): Promise<number> {
  return withTrace(argv, [], async (service, hash, json) => {
    const report = await service.leaks(hash);
    return json ? JSON.stringify(leaksJson(report), null, 2) + '\n' : renderLeaks(report);
  });
}

function leaksJson(r: LeakReport): object {
  return {
    durationNs: r.durationNs,
    groups: r.groups.map((g) => ({
      state: g.state, reason: g.reason, count: g.count, site: g.site, name: g.name, stack: g.stack.map(frameText), maxBlockedNs: g.maxBlockedNs,
      oldestSinceNs: g.oldestSinceNs, newestSinceNs: g.newestSinceNs, growth: g.growth, sinceByEighth: g.sinceByEighth,
      releases: g.releases, lastReleaseNs: g.lastReleaseNs, system: g.system, forever: g.forever, sampleIds: g.sampleIds, explanation: g.explanation,
    })),
  };
}

function renderLeaks(r: LeakReport): string {
  const own = r.groups.filter((g) => !g.system);
  const lines = [own.length === 0 ? 'no goroutine of the program is blocked at the end of the trace'
    : `${own.reduce((n, g) => n + g.count, 0)} goroutines of the program are blocked at the end of the trace, in ${own.length} group${own.length === 1 ? '' : 's'}:`];
  for (const g of own) {
    lines.push('', `${String(g.count).padStart(6)}  ${g.state === 'Syscall' ? 'syscall' : g.reason || '(reason not recorded)'}  ${g.site}`);
    lines.push(`        ${g.explanation}`);
  }
  const system = r.groups.filter((g) => g.system);
  if (system.length > 0) lines.push('', `(${system.reduce((n, g) => n + g.count, 0)} runtime goroutines blocked as usual, not listed; --json lists them)`);
  return lines.join('\n') + '\n';
}
