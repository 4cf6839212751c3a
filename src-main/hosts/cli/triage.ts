// `goroscope triage FILE|ARTEFACT... [--max N] [--json]`: one leak verdict from every artefact of
// an incident — traces, goroutine dumps, goroutine and goroutineleak profiles (proto or debug=1) —
// with the exit status of a CI gate, as `leaks BEFORE AFTER` has.

import { evidenceSummary } from '../../service/triage.ts';
import type { TriageReport, TriageSource, TriageSuspect } from '../../service/types.ts';
import { parseArgs } from './args.ts';
import { EXIT_BAD_INPUT, Output, UsageError } from './output.ts';
import { libraryArtefact, withLibrary } from './trace-answers.ts';

/** Exit status when a proven or likely suspect holds more than --max goroutines. */
export const EXIT_SUSPECT = 1;

export const triageUsage = `usage: goroscope triage FILE|ARTEFACT... [--max N] [--json] [--library DIR]

One list of leak suspects from every artefact of an incident: execution traces, goroutine dumps
(debug=2, debug=1, runtime.Stack, panics, logs) taken some time apart, goroutine profiles and the
runtime's goroutineleak profile (Go 1.26+; profile.proto or debug=1). Goroutines are matched by
site (the first frame outside the runtime of the blocking stack, creation site beside it) and,
between artefacts of one process, by goroutine ID. Dumps are put in time order by their highest
goroutine ID. Each suspect has a confidence:
  proven    the runtime proved them leaked: the goroutineleak profile lists them, or a dump marks
            them (leaked)
  likely    blocked for good in a trace (nil channels), or a send, WaitGroup, lock or context wait
            through half the trace at a site none left in its second half, or growing over the dumps with goroutines
            stuck at the site in every one, or growing all through a trace, or waiting 10+ minutes
  possible  any other goroutine of the program blocked at the end of a trace or waiting in a dump
            (and always one that keeps being woken, sleeps, or waits on the network or a syscall)
Ranked proven first, then likely, then by goroutines x time blocked.
  --max N   exit status 1 when a proven or likely suspect holds more than N goroutines
  --json    {"suspects": [{"site", "creationSite", "reason", "goroutines", "confidence",
            "evidence": {"leakProfile", "dumpLeaked", "traceBlockedAtEnd", "traceMaxBlockedNs",
            "dumpGrowth": {"counts", "new", "vanished", "stuck", "growing"} | null}, "explanation"}],
            "sources": [{"artefact", "name", "role", "format", "goroutines", "seriesIndex", "process", "note"}]}
A FILE not yet in the library is indexed first. Exit status: 0, 1 (see --max), 2 bad input.`;

export async function triageCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], valued: ['library', 'max'] });
  if (args.positional.length === 0) throw new UsageError('triage needs at least one FILE or ARTEFACT (see goroscope help triage)');
  const maxText = args.options.get('max');
  if (maxText !== undefined && !/^\d+$/.test(maxText)) throw new UsageError(`--max needs a whole number ≥ 0, got "${maxText}"`);
  const max = maxText === undefined ? null : Number(maxText);
  return withLibrary(args.options.get('library'), async (service, lib) => {
    const refs = args.positional.map((ref) => libraryArtefact(lib, ref));
    const report = await service.triage(refs.map((r) => r.hash));
    const out = new Output();
    // Partial indexes among the sources (each also noted on stderr): "partial": true, and which.
    const partial = refs.filter((r) => r.artefact.partial).map((r) => r.hash);
    const json = () => (partial.length > 0 ? { partial: true, partialArtefacts: partial, ...triageJson(report) } : triageJson(report));
    await out.write(args.flags.has('json') ? JSON.stringify(json(), null, 2) + '\n' : renderTriage(report, max));
    await out.flush();
    if (refs.some((r) => r.damaged)) return EXIT_BAD_INPUT;
    return max !== null && overLimit(report, max).length > 0 ? EXIT_SUSPECT : 0;
  });
}

/** Proven or likely suspects holding more than `max` goroutines. */
export function overLimit(report: TriageReport, max: number): TriageSuspect[] {
  return report.suspects.filter((s) => s.confidence !== 'possible' && s.goroutines > max);
}

/** The --json document: the fields the triage promises, nothing of the UI's extras. */
export function triageJson(r: TriageReport): object {
  return {
    suspects: r.suspects.map((s) => ({
      site: s.site, creationSite: s.creationSite, reason: s.reason, goroutines: s.goroutines, confidence: s.confidence,
      evidence: {
        leakProfile: s.evidence.leakProfile, dumpLeaked: s.evidence.dumpLeaked, traceBlockedAtEnd: s.evidence.traceBlockedAtEnd,
        traceMaxBlockedNs: s.evidence.traceMaxBlockedNs, dumpGrowth: s.evidence.dumpGrowth,
      },
      explanation: s.explanation,
    })),
    sources: r.sources.map((s) => ({
      artefact: s.artefact, name: s.name, role: s.role, format: s.format, goroutines: s.goroutines, seriesIndex: s.seriesIndex, process: s.process, note: s.note,
    })),
  };
}

const ROLE_NAMES: Record<TriageSource['role'], string> = { trace: 'trace', dump: 'dump', leakProfile: 'goroutineleak profile', unused: 'unused' };

function renderTriage(r: TriageReport, max: number | null): string {
  const used = r.sources.filter((s) => s.role !== 'unused');
  const byConfidence = (c: TriageSuspect['confidence']) => r.suspects.filter((s) => s.confidence === c).length;
  const lines = [r.suspects.length === 0 ? `no leak suspect in ${used.length} artefact${used.length === 1 ? '' : 's'}`
    : `${r.suspects.length} suspect${r.suspects.length === 1 ? '' : 's'}: ${byConfidence('proven')} proven, ${byConfidence('likely')} likely, ${byConfidence('possible')} possible`];
  for (const s of r.suspects) {
    lines.push('', `${s.confidence.padEnd(9)}${String(s.goroutines).padStart(6)}  ${s.pattern}${s.reason ? ` [${s.reason}]` : ''}`);
    lines.push(`               ${s.site}${s.creationSite ? `  (created at ${s.creationSite})` : ''}`);
    lines.push(`               ${evidenceSummary(s)}`);
    lines.push(`               ${s.explanation}`);
  }
  lines.push('', 'sources:');
  for (const s of r.sources) {
    const extra = [s.seriesIndex !== null ? `dump ${s.seriesIndex} of the series` : '', s.process !== null ? `process ${s.process}` : '', s.note].filter(Boolean);
    lines.push(`  ${ROLE_NAMES[s.role].padEnd(22)}${s.name}  ${s.format}, ${s.goroutines} goroutines${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`);
  }
  if (max !== null) {
    const over = overLimit(r, max);
    lines.push('', over.length > 0 ? `FAIL: ${over.length} proven or likely suspect${over.length === 1 ? '' : 's'} over ${max} goroutines`
      : `ok: no proven or likely suspect over ${max} goroutines`);
  }
  return lines.join('\n') + '\n';
}
