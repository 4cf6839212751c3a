// How the CLI says that an artefact's index is partial (`goroscope index --keep-partial`
// interrupted): the time indexed and how much of the file that was, so that a partial artefact is
// never read as a complete one. The trace's total duration is not known before its end is read:
// the file's size stands for it.

import type { Artefact, PartialContent } from '../../index/library.ts';
import { printErrorLine } from './output.ts';
import { formatBytes, formatDuration } from './units.ts';

/** "partial (indexed to 1.20s of the trace: 31% of 26.2 KiB, 1 generation)". */
export function partialText(p: PartialContent, totalBytes: number): string {
  const share = totalBytes > 0 ? Math.min(99, Math.floor((p.bytesIndexed / totalBytes) * 100)) : 0;
  return `partial (indexed to ${formatDuration(p.indexedUntilNs)} of the trace: ${share}% of ${formatBytes(totalBytes)}, ` +
    `${p.generations} generation${p.generations === 1 ? '' : 's'})`;
}

/** The JSON fields a command adds for a partial artefact ({} for a complete one). */
export function partialJson(a: Pick<Artefact, 'partial'>): { partial?: true; indexedUntilNs?: number } {
  return a.partial ? { partial: true, indexedUntilNs: a.partial.indexedUntilNs } : {};
}

/** One line on stderr when `a` is partial: what follows covers only its start, and "at the end" means at the indexed frontier. */
export function notePartial(a: Artefact): void {
  if (!a.partial) return;
  printErrorLine(`note: ${a.hash.slice(0, 12)} (${a.name}) is ${partialText(a.partial, a.size)}: answers cover that much, ` +
    `"at the end" is at the indexed frontier; goroscope index ${a.path} completes it`);
}
